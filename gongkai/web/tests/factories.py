"""A small two-level platform: a city with its portal, a county with its own portal,
departments and a township publishing inside the city's site."""

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from gongkai.core.models import Organisation, Site
from gongkai.core.tests.factories import make_org, make_site
from gongkai.publishing import services
from gongkai.publishing.models import Attachment, CatalogColumn, DisclosureMode, DisclosureScope, InfoItem
from gongkai.publishing.tests.factories import Desk, approve_all, draft, published


@dataclass
class Platform:
    city: Organisation
    education: Organisation
    education_office: Organisation
    township: Organisation
    county: Organisation
    county_dept: Organisation
    city_site: Site
    county_site: Site


def build_platform() -> Platform:
    city = make_org(
        "甲市人民政府",
        kind="government",
        short_name="甲市政府",
        office_name="甲市人民政府办公室政务公开科",
        address="甲市人民路1号",
        office_hours="工作日 9:00-12:00，14:00-17:30",
        phone="0818-2345678",
        fax="0818-2345679",
        email="gk@jia.gov.cn",
        postcode="635000",
    )
    education = make_org(
        "甲市教育局", parent=city, short_name="市教育局", address="甲市文化路8号", phone="0818-1111111"
    )
    education_office = make_org("甲市教育局招生考试办公室", parent=education, email="zk@jia.gov.cn")
    township = make_org("甲市东城街道办事处", parent=city, kind="township", office_hours="工作日 8:30-17:30")
    county = make_org("乙县人民政府", parent=city, kind="government", phone="0818-5555555")
    county_dept = make_org("乙县教育局", parent=county, address="乙县中山路2号")
    city_site = make_site(
        city,
        "jia",
        is_default=True,
        name="甲市人民政府网",
        hosts="www.jia.gov.cn",
        sponsor="甲市人民政府办公室",
        operator="甲市大数据中心",
        site_code="5117000001",
        icp_number="蜀ICP备05000001号",
        police_number="川公网安备 51170202000001号",
        contact="电话：0818-2345678",
    )
    county_site = make_site(county, "yi", name="乙县人民政府网", hosts="www.yi.gov.cn")
    return Platform(city, education, education_office, township, county, county_dept, city_site, county_site)


# --- the disclosure catalog and its items ----------------------------------------------
#
# Items go through the real workflow (publishing.tests.factories: draft → 三审 → publish).
# Attachments are rows with a file in MEDIA_ROOT (the `media` fixture points it at a
# temporary folder): publishing has no upload service yet.

# Every way an item can exist without being public, and how to put it there.
HIDDEN_STATES = (
    "draft",
    "in_review",
    "approved",
    "scheduled",
    "limited",
    "on_request",
    "expired",
    "withdrawn",
)
# How long after publication a 公示 with an end date is looked at, in the "expired" case.
NOTICE_DAYS = 3


def column_of(org: Organisation, key: str) -> CatalogColumn:
    return CatalogColumn.objects.get(organisation=org, key=key)


def attach(item: InfoItem, name: str = "附件1：申报表.pdf", content: bytes = b"%PDF-1.4\n% test\n") -> Attachment:
    file_type = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Attachment.objects.create(
        item=item,
        file=ContentFile(content, name=f"a{next(_files)}.{file_type or 'bin'}"),
        original_name=name,
        file_type=file_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


_files = itertools.count(1)


def published_in(desk: Desk, column: CatalogColumn | None, title: str, **fields: Any) -> InfoItem:
    """Published through the workflow into `column` (the desk's own column when None)."""
    fields.setdefault("formed_on", date(2026, 3, 2))
    fields.setdefault("body_html", "<p>各单位：</p><p>现将有关事项通知如下。</p>")
    item = services.item_create(
        actor=desk.editor, organisation=desk.org, column=column or desk.column, title=title, **fields
    )
    return services.item_publish(actor=desk.final, item=approve_all(desk, item))


def hidden_item(desk: Desk, state: str, title: str) -> InfoItem:
    """An item of the desk's body in one of HIDDEN_STATES."""
    if state == "draft":
        return draft(desk, title)
    if state == "in_review":
        item = draft(desk, title)
        return services.item_submit(actor=desk.editor, item=item)
    if state == "approved":
        return approve_all(desk, draft(desk, title))
    if state == "scheduled":
        item = approve_all(desk, draft(desk, title))
        return services.item_publish(actor=desk.final, item=item, at=timezone.now() + timedelta(days=30))
    if state == "limited":
        return published(desk, title, scope=DisclosureScope.LIMITED, scope_groups="本机关工作人员")
    if state == "on_request":
        return published(desk, title, disclosure_mode=DisclosureMode.ON_REQUEST)
    if state == "expired":
        # public now; past its end date once the clock moves (see NOTICE_DAYS)
        return published(desk, title, public_until=timezone.localdate() + timedelta(days=NOTICE_DAYS - 2))
    if state == "withdrawn":
        item = published(desk, title)
        return services.item_withdraw(actor=desk.final, item=item, reason="内容有误，撤回修改")
    raise ValueError(state)
