"""The request desk's pages: the public form and status page, and the staff handling desk."""

from django.urls import URLPattern, URLResolver, include, path

from . import letter_urls, views_desk, views_public

app_name = "disclosure_requests"

# Public (per site): 政府信息公开申请, the receipt, the status page.
urlpatterns: list[URLPattern | URLResolver] = [
    path("ysqgk/", views_public.chooser, name="chooser"),
    path("ysqgk/<int:org_pk>/", views_public.apply, name="apply"),
    path("ysqgk/<int:org_pk>/confirm/", views_public.confirm, name="confirm"),
    path("ysqgk/receipt/<int:pk>/", views_public.receipt, name="receipt"),
    path("ysqgk/receipt/<int:pk>/print/", views_public.receipt_print, name="receipt_print"),
    path("ysqgk/status/", views_public.status_lookup, name="status_lookup"),
    path("ysqgk/status/<int:pk>/", views_public.status, name="status"),
    path("ysqgk/status/<int:pk>/withdraw/", views_public.status_withdraw, name="status_withdraw"),
    path(
        "ysqgk/status/<int:pk>/letters/<int:letter_pk>.<str:fmt>",
        views_public.status_letter,
        name="status_letter",
    ),
]

# Staff: the handling desk.
urlpatterns += [
    path("staff/requests/", views_desk.desk_list, name="desk_list"),
    path("staff/requests/inbox/", views_desk.desk_inbox, name="desk_inbox"),
    path("staff/requests/overdue/", views_desk.desk_overdue, name="desk_overdue"),
    path("staff/requests/new/", views_desk.desk_intake, name="desk_intake"),
    path("staff/requests/ledger/", views_desk.desk_ledger, name="desk_ledger"),
    path("staff/requests/settings/", views_desk.desk_settings, name="desk_settings"),
    path("staff/requests/ledger/export/", views_desk.desk_ledger_export, name="desk_ledger_export"),
    path("staff/requests/<int:pk>/", views_desk.desk_detail, name="desk_detail"),
    path(
        "staff/requests/<int:pk>/attachments/<int:attachment_pk>/",
        views_desk.desk_attachment,
        name="desk_attachment",
    ),
    *(
        path(
            f"staff/requests/<int:pk>/{action.replace('_', '-')}/",
            views_desk.desk_action,
            {"action": action},
            name=f"desk_{action}",
        )
        for action in views_desk.ACTIONS
    ),
    # Letters (文书): a request's letters and their downloads, the offices' templates and series.
    path("staff/requests/", include(letter_urls.urlpatterns)),
]
