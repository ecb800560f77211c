"""Publishing: the statutory disclosure catalog, information items and their review.

Depends on core (organisations, users, roles); nothing in core depends on it.
"""

from .catalog import CatalogColumn, ColumnKey, SubjectCategory
from .items import (
    Attachment,
    DisclosureMode,
    DisclosureScope,
    IndexSequence,
    InfoItem,
    ItemState,
    ItemVersion,
    ReviewAction,
    ReviewDecision,
    Validity,
)
from .settings import PublishingSettings

__all__ = [
    "Attachment",
    "CatalogColumn",
    "ColumnKey",
    "DisclosureMode",
    "DisclosureScope",
    "IndexSequence",
    "InfoItem",
    "ItemState",
    "ItemVersion",
    "PublishingSettings",
    "ReviewAction",
    "ReviewDecision",
    "SubjectCategory",
    "Validity",
]
