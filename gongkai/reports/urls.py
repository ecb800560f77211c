"""Staff pages of the reports app, included at /staff/reports/ (namespace "reports").

The annual report's pages live in annual_urls, the statistics in statistics_urls."""

from django.urls import include, path

app_name = "reports"
urlpatterns = [
    path("annual/", include("gongkai.reports.annual_urls")),
    path("statistics/", include("gongkai.reports.statistics_urls")),
]
