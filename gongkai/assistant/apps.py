from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "gongkai.assistant"
    label = "assistant"
    verbose_name = _("智能政策问答")
