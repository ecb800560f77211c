from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("全文检索")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.core.models import Organisation, Site
        from gongkai.publishing.models import CatalogColumn, SubjectCategory

        from . import cache

        for model in (Organisation, Site, CatalogColumn, SubjectCategory):
            post_save.connect(cache.forget_labels, sender=model, dispatch_uid=f"search-labels-save-{model.__name__}")
            post_delete.connect(cache.forget_labels, sender=model, dispatch_uid=f"search-labels-del-{model.__name__}")
