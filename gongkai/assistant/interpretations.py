"""政策解读 as knowledge linked to the documents it explains.

An interpretation (政策解读, 答记者问, 图解…) is a published item like any other, so its own text
is already split into passages and can be cited. What this module adds is the link staff set
on the item (相关信息, `InfoItem.related`, set by index number in the staff workspace): when an
answer cites a document that has a public interpretation, the answer names it, so a citizen
who got an article of the rules is led to the plain-language explanation of the same
document. Only items that are public now are named (a withdrawn interpretation disappears at
once), and, on a site, only those of its bodies.
"""

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from gongkai.publishing.models import InfoItem
from gongkai.publishing.selectors import public_items

# An interpretation is told by its title, as the catalogue has no column for it.
TITLE_WORDS = ("解读", "答记者问", "政策问答", "图解", "一图读懂")
MAX_INTERPRETATIONS = 3


def _item_url(pk: int) -> str:
    try:
        return reverse("web:item", args=[pk])
    except NoReverseMatch:
        return f"/gk/item/{pk}/"


def is_interpretation_title(title: str) -> bool:
    return any(word in title for word in TITLE_WORDS)


def linked(item_ids: Sequence[int], *, scope: list[int] | None = None) -> list[dict[str, str]]:
    """The public interpretations linked to these items (in the items' order, each once, at
    most MAX_INTERPRETATIONS), as {external_id, title, doc_number, url, interprets}. One query."""
    if not item_ids:
        return []
    readings = public_items().filter(reduce(or_, (Q(title__contains=w) for w in TITLE_WORDS)))
    if scope is not None:
        readings = readings.filter(organisation_id__in=scope)
    through = InfoItem.related.through
    rows = through.objects.filter(
        from_infoitem_id__in=list(item_ids), to_infoitem__in=readings.values("pk")
    ).values_list(
        "from_infoitem_id",
        "to_infoitem_id",
        "to_infoitem__external_id",
        "to_infoitem__title",
        "to_infoitem__doc_number",
    )
    order = {pk: n for n, pk in enumerate(item_ids)}
    out: list[dict[str, str]] = []
    seen: set[int] = set()
    for source, pk, external_id, title, doc_number in sorted(rows, key=lambda r: (order.get(r[0], 99), -r[1])):
        if pk in seen or pk == source:
            continue
        seen.add(pk)
        out.append(
            {
                "external_id": external_id or "",
                "title": title,
                "doc_number": doc_number,
                "url": _item_url(pk),
                "interprets": _item_url(source),
            }
        )
        if len(out) >= MAX_INTERPRETATIONS:
            break
    return out
