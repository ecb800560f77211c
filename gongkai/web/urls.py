from django.urls import path

from gongkai.search import views as search_views

from . import feeds, sitemaps, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("gk/", views.openness, name="openness"),
    path("gk/org/<int:pk>/", views.organisation, name="organisation"),
    path("gk/col/<int:pk>/", views.column, name="column"),
    path("gk/col/<int:pk>/rss/", feeds.ColumnRssFeed(), name="column_rss"),
    path("gk/col/<int:pk>/atom/", feeds.ColumnAtomFeed(), name="column_atom"),
    path("gk/item/<int:pk>/", views.item, name="item"),
    path("gk/item/<int:pk>/print/", views.item_print, name="item_print"),
    path("gk/idx/<path:index_number>/", views.item_by_index, name="item_by_index"),
    path("gk/file/<int:pk>/", views.attachment, name="attachment"),
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("fw/", views.services, name="services"),
    path("hd/", views.interaction, name="interaction"),
    path("search/", search_views.search_page, name="search"),
    path("display/elder/", views.elder_mode, name="elder_mode"),
]
