from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "gongkai.requests"
    # Not "requests": keeps the label clear of any other app or package of that name.
    label = "disclosure_requests"
    verbose_name = _("依申请公开")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (deadlines follow the holiday calendar)
