"""The request desk's pages: the public form and status page, and the staff handling desk."""

from django.urls import URLPattern

app_name = "disclosure_requests"
urlpatterns: list[URLPattern] = []
