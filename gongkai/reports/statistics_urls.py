"""statistics_urls of the reports app (see urls.py): the statistics page and its downloads."""

from django.urls import URLPattern, path

from . import views_statistics

urlpatterns: list[URLPattern] = [
    path("", views_statistics.statistics_page, name="statistics"),
    path("<slug:table>.xlsx", views_statistics.statistics_export, name="statistics_export"),
]
