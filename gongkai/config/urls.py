from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/tasks/", include("gongkai.supervision.urls", namespace="supervision")),
    path("staff/reports/", include("gongkai.reports.urls", namespace="reports")),
    path("", include("gongkai.requests.urls", namespace="disclosure_requests")),
    path("", include("gongkai.assistant.urls", namespace="assistant")),
    path("staff/assistant/", include("gongkai.assistant.staff_urls", namespace="assistant_staff")),
    path("staff/", include("gongkai.staff.urls")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.web.urls")),
]
