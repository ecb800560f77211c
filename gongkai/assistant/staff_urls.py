"""The assistant's staff pages, mounted at staff/assistant/ (namespace "assistant_staff")."""

from django.urls import path

from . import staff_views

app_name = "assistant_staff"
urlpatterns = [
    path("", staff_views.faq_list, name="faq_list"),
    path("new/", staff_views.faq_create, name="faq_create"),
    path("import/", staff_views.faq_import, name="faq_import"),
    path("import/template.xlsx", staff_views.faq_import_template, name="faq_import_template"),
    path("<int:pk>/edit/", staff_views.faq_edit, name="faq_edit"),
    path("<int:pk>/delete/", staff_views.faq_delete, name="faq_delete"),
    path("questions/", staff_views.questions, name="questions"),
    path("questions/<int:pk>/handle/", staff_views.question_handle, name="question_handle"),
]
