from django.urls import path

from . import views

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
