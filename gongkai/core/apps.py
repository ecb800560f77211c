from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import receivers, sitecache  # noqa: F401  (receivers: login/logout audit)
        from .models import Organisation, Site, SiteColumn

        for model in (Organisation, Site, SiteColumn):
            post_save.connect(sitecache.forget, sender=model, dispatch_uid=f"core-sites-save-{model.__name__}")
            post_delete.connect(sitecache.forget, sender=model, dispatch_uid=f"core-sites-del-{model.__name__}")
