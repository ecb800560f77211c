from django.urls import path

from . import publishing_views, screening_views, views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("orgs/", views.organisation_list, name="organisation_list"),
    path("orgs/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("orgs/<int:pk>/contact/", views.organisation_contact_edit, name="organisation_contact_edit"),
    path("audit/", views.audit_list, name="audit_list"),
]

# Publishing: 待办, drafts, items and their workflow, review queues, calendar, timeliness.
urlpatterns += [
    path("todo/", publishing_views.todo, name="todo"),
    path("notifications/<int:pk>/read/", publishing_views.notification_read, name="notification_read"),
    path("notifications/read-all/", publishing_views.notifications_read_all, name="notifications_read_all"),
    path("items/", publishing_views.item_list, name="item_list"),
    path("items/mine/", publishing_views.my_drafts, name="my_drafts"),
    path("items/new/", publishing_views.item_create, name="item_create"),
    path("items/<int:pk>/", publishing_views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", publishing_views.item_edit, name="item_edit"),
    path("items/<int:pk>/versions/<int:number>/", publishing_views.item_version, name="item_version"),
    *(
        path(f"items/<int:pk>/{segment}/", publishing_views.item_action, {"action": action}, name=f"item_{action}")
        for action, segment in (
            ("submit", "submit"),
            ("approve", "approve"),
            ("reject", "reject"),
            ("publish", "publish"),
            ("emergency_publish", "emergency-publish"),
            ("post_review", "post-review"),
            ("withdraw", "withdraw"),
            ("attachment", "attachments/add"),
            ("related", "related"),
        )
    ),
    path(
        "items/<int:pk>/attachments/<int:attachment_pk>/",
        publishing_views.attachment_download,
        name="attachment_download",
    ),
    path(
        "items/<int:pk>/attachments/<int:attachment_pk>/remove/",
        publishing_views.attachment_remove,
        name="attachment_remove",
    ),
    path("review/<int:stage>/", publishing_views.review_queue, name="review_queue"),
    path("calendar/", publishing_views.publishing_calendar, name="publishing_calendar"),
    path("timeliness/", publishing_views.timeliness, name="timeliness"),
]

# Screening (保密审查): findings of published items per body; a reviewer's override.
urlpatterns += [
    path("screening/", screening_views.findings, name="screening_findings"),
    path("items/<int:pk>/screening/override/", screening_views.override, name="screening_override"),
]
