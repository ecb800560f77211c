"""Publishing test data, built through the services."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import make_user
from gongkai.publishing import services
from gongkai.publishing.models import CatalogColumn, ColumnKey, InfoItem


@dataclass
class Desk:
    """One body with its catalog and the people of its 编审发 chain."""

    org: Organisation
    column: CatalogColumn
    editor: User
    first: User
    second: User
    final: User


def make_desk(org: Organisation, prefix: str) -> Desk:
    services.catalog_ensure(actor=None, organisation=org)
    return Desk(
        org=org,
        column=CatalogColumn.objects.get(organisation=org, key=ColumnKey.OTHER_DOCS),
        editor=make_user(f"{prefix}_editor", org=org, role=Role.EDITOR),
        first=make_user(f"{prefix}_first", org=org, role=Role.REVIEWER_FIRST),
        second=make_user(f"{prefix}_second", org=org, role=Role.REVIEWER_SECOND),
        final=make_user(f"{prefix}_final", org=org, role=Role.REVIEWER_FINAL),
    )


def draft(desk: Desk, title: str = "关于做好2026年政务公开工作的通知", **fields: Any) -> InfoItem:
    fields.setdefault("formed_on", date(2026, 3, 2))
    fields.setdefault("body_html", "<p>各单位：</p><p>现将有关事项通知如下。</p>")
    return services.item_create(actor=desk.editor, organisation=desk.org, column=desk.column, title=title, **fields)


def approve_all(desk: Desk, item: InfoItem) -> InfoItem:
    services.item_submit(actor=desk.editor, item=item)
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    services.item_review(actor=desk.second, item=item, approve=True)
    return services.item_review(actor=desk.final, item=item, approve=True)


def published(desk: Desk, title: str = "关于做好2026年政务公开工作的通知", **fields: Any) -> InfoItem:
    item = approve_all(desk, draft(desk, title, **fields))
    return services.item_publish(actor=desk.final, item=item)
