"""The project's URLs plus the assistant's staff pages at staff/assistant/, as the lead will
mount them (config/urls.py is not ours to edit)."""

from django.urls import include, path

from gongkai.config.urls import urlpatterns as project_urls

urlpatterns = [
    path("staff/assistant/", include("gongkai.assistant.staff_urls", namespace="assistant_staff")),
    *project_urls,
]
