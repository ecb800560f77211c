from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("gk/", views.openness, name="openness"),
    path("gk/org/<int:pk>/", views.organisation, name="organisation"),
    path("fw/", views.services, name="services"),
    path("hd/", views.interaction, name="interaction"),
    path("search/", views.search, name="search"),
    path("display/elder/", views.elder_mode, name="elder_mode"),
]
