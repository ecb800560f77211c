from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "gongkai.screening"
    label = "screening"
    verbose_name = _("发布前审查")
