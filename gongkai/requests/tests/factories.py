"""Requests built through the real services, as the desk builds them."""

import datetime as dt
from typing import Any

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import make_org, make_user
from gongkai.requests import services
from gongkai.requests.models import Channel, DisclosureRequest, IdType, RequesterType
from gongkai.screening.detectors import id_check_digit

ID = "51170219900101123" + id_check_digit("51170219900101123")
#: Every service call in these tests happens "today" in Asia/Shanghai, passed explicitly.
TODAY = dt.date(2025, 12, 31)


def desk(name: str | None = None) -> tuple[Organisation, User, User]:
    """A body with its openness-office officer and office head."""
    org = make_org(name)
    return org, make_user(org=org, role=Role.OFFICE_OFFICER), make_user(org=org, role=Role.OFFICE_HEAD)


def make_request(
    org: Organisation, actor: User | None = None, *, received_on: dt.date = dt.date(2025, 9, 25), **fields: Any
) -> DisclosureRequest:
    values: dict[str, Any] = {
        "channel": Channel.LETTER,
        "signed_on": received_on,
        "requester_type": RequesterType.NATURAL_PERSON,
        "requester_name": "张小三",
        "id_type": IdType.ID_CARD,
        "id_number": ID,
        "phone": "13812345678",
        "email": "zhang@example.cn",
        "address": "四川省达州市通川区西外镇凤凰大道100号",
        "description": "2025年本区老旧小区改造项目清单",
        "today": TODAY,
    }
    values.update(fields)
    return services.request_register(actor=actor, organisation=org, **values)


def upload(name: str = "身份证明.pdf", content: bytes = b"%PDF-1.4\n%test\n") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def submit_online(
    org: Organisation, *, key: str = "key-0000000001", now: dt.datetime | None = None, **fields: Any
) -> tuple[DisclosureRequest, bool]:
    """A request sent through the public form (at 2025-09-25 10:00 Asia/Shanghai unless ``now``)."""
    from zoneinfo import ZoneInfo

    values: dict[str, Any] = {
        "requester_type": RequesterType.NATURAL_PERSON,
        "requester_name": "李四",
        "description": "2025年达州市通川区义务教育学校招生划片方案",
        "id_type": IdType.ID_CARD,
        "id_number": ID,
        "phone": "139 1234 5678",
        "email": "Li.Si@Example.cn",
        "address": "四川省达州市通川区朝阳中路1号",
        "delivery_form": "electronic",
        "delivery_way": "电子邮件",
        "attachments": [],
    }
    values.update(fields)
    when = now or dt.datetime(2025, 9, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return services.request_submit_online(organisation=org, idempotency_key=key, now=when, **values)
