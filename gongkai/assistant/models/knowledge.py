"""The assistant's knowledge: public items split into passages (passages.py), kept in step
with `public_items()` through the search outbox (knowledge.py). Nothing unpublished,
limited or personal is ever stored here; a withdrawn item's passages are deleted when
the outbox is applied, and answering re-checks `public_items()` for every cited item."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.publishing.models import InfoItem


class AssistantPassage(models.Model):
    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="assistant_passages")
    external_id = models.CharField(_("外部标识"), max_length=80, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    heading = models.CharField(_("章节"), max_length=500, blank=True)  # 编 / 章 / 节, joined by " / "
    article = models.CharField(_("条款"), max_length=40, blank=True)  # 第十二条, 一、, or ""
    text = models.TextField(_("内容"))
    # The passage's analysed words (search.analysis.words), space separated: answering
    # scores passages without segmenting them again.
    terms = models.TextField(blank=True, editable=False)
    # The passage's normalised text (search.analysis.normalize: width, case, 繁→简).
    normalised = models.TextField(blank=True, editable=False)
    position = models.PositiveIntegerField(_("顺序"))
    # multilingual-e5-small passage embedding (384 float32, little-endian), computed by the
    # worker (tasks.embed_passages); null until then.
    embedding = models.BinaryField(null=True, blank=True, editable=False)

    objects: "models.Manager[AssistantPassage]" = models.Manager()

    class Meta:
        verbose_name = _("问答知识段落")
        verbose_name_plural = _("问答知识段落")
        ordering = ("item_id", "position")
        constraints = [models.UniqueConstraint(fields=("item", "position"), name="assistant_passage_item_position")]

    def __str__(self) -> str:
        return f"{self.title} {self.article}".strip()


def _search_outbox_row_applied(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    """The search worker deletes an outbox row once it has applied it to the index; the
    assistant's passages of that item follow then (knowledge.outbox_row_applied)."""
    from gongkai.assistant import knowledge

    item_id = getattr(instance, "item_id", None)
    if item_id is not None:
        knowledge.outbox_row_applied(int(item_id))


# Index upkeep, the one use of signals the conventions allow. Connected here, where every
# process imports it while loading the app registry (the sender is resolved lazily).
models.signals.post_delete.connect(
    _search_outbox_row_applied, sender="search.SearchOutbox", dispatch_uid="assistant_knowledge_outbox"
)
