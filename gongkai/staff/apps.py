from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "gongkai.staff"
    label = "staff"

    def ready(self) -> None:
        from django.contrib import admin

        from .forms import ThrottledAuthenticationForm

        # The admin's login refuses repeated failures just like the workspace's.
        admin.site.login_form = ThrottledAuthenticationForm
