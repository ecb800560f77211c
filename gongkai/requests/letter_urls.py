"""The letter pages, for the desk to include under staff/requests/:

    path("staff/requests/", include(letter_urls.urlpatterns))   # inside its own namespace

The views look their URL names up in whatever namespace they are included under.
"""

from django.urls import URLPattern, path

from . import views_letters

urlpatterns: list[URLPattern] = [
    path("<int:request_id>/letters/", views_letters.request_letters, name="request_letters"),
    path("letters/<int:letter_id>/<str:fmt>/", views_letters.letter_download, name="letter_download"),
    path("letters/", views_letters.letter_home, name="letter_home"),
    path("letters/org/<int:org_id>/templates/", views_letters.letter_template_list, name="letter_template_list"),
    path(
        "letters/org/<int:org_id>/templates/<slug:key>/download/",
        views_letters.letter_template_download,
        name="letter_template_download",
    ),
    path(
        "letters/org/<int:org_id>/templates/<slug:key>/upload/",
        views_letters.letter_template_upload,
        name="letter_template_upload",
    ),
    path(
        "letters/org/<int:org_id>/templates/<slug:key>/reset/",
        views_letters.letter_template_reset,
        name="letter_template_reset",
    ),
    path("letters/org/<int:org_id>/series/", views_letters.letter_series_edit, name="letter_series_edit"),
]
