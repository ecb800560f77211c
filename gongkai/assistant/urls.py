"""The policy assistant's API and page."""

from django.urls import URLPattern

app_name = "assistant"
urlpatterns: list[URLPattern] = []
