"""statistics_urls of the reports app (see urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
