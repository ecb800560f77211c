"""Key-task supervision in the staff workspace, mounted at staff/tasks/ (namespace
"supervision")."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("plans/<int:pk>/", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/rows/", views.plan_rows, name="plan_rows"),
    path("plans/<int:pk>/overdue/", views.overdue, name="overdue"),
    path("plans/<int:pk>/units/<int:org_id>/", views.unit_tasks, name="unit_tasks"),
    path("plans/<int:pk>/export.xlsx", views.export, name="export"),
    path("plans/<int:pk>/lookback/", views.lookback, name="lookback"),
    path("plans/<int:pk>/scores/", views.scores, name="scores"),
    path("plans/<int:pk>/scores.xlsx", views.scores_export, name="scores_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("units/<int:pk>/report/", views.report_create, name="report_create"),
    path("units/<int:pk>/resolve/", views.unit_resolve, name="unit_resolve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
]
