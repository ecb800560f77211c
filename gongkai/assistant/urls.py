"""The policy assistant's public API (api/v1/assistant/) and page (wd/). The staff pages are
in staff_urls.py (mounted at staff/assistant/)."""

from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("api/v1/assistant/ask", views.api_ask, name="api_ask"),
    path("api/v1/assistant/ask/stream", views.api_ask_stream, name="api_ask_stream"),
    path("api/v1/assistant/feedback", views.api_feedback, name="api_feedback"),
    path("api/v1/assistant/hot", views.api_hot, name="api_hot"),
    path("wd/", views.ask_page, name="page"),
    path("wd/feedback/", views.feedback_form, name="feedback_form"),
]
