"""The search API. The lead includes these at the root (`path("", include("gongkai.search.urls"))`);
the search page itself is served under the web app's name `web:search` (see views.search_page)."""

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("api/v1/search", views.api_search, name="api_search"),
    path("api/v1/search/complete", views.api_complete, name="api_complete"),
    path("api/v1/openapi.json", views.api_openapi, name="openapi"),
]
