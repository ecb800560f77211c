"""annual_urls of the reports app (see urls.py): the annual report's staff pages."""

from django.urls import path

from . import views_annual

urlpatterns = [
    path("", views_annual.annual_index, name="annual_index"),
    path("figures/import/", views_annual.annual_figures_import, name="annual_figures_import"),
    path("<int:org_id>/<int:year>/", views_annual.annual_detail, name="annual_detail"),
    path("<int:org_id>/<int:year>/publish/", views_annual.annual_publish, name="annual_publish"),
    path("<int:org_id>/<int:year>/figures/", views_annual.annual_figures_edit, name="annual_figures_edit"),
    path(
        "<int:org_id>/<int:year>/report.<str:fmt>",
        views_annual.annual_download,
        name="annual_download",
    ),
]
