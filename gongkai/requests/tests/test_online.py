"""Online submission (网上申请) and the requester's status lookup, through the services."""

import datetime as dt
import io
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gongkai.core.creditcode import check_character
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditRecord, Notification, Role
from gongkai.core.tests.factories import make_org, make_user
from gongkai.requests import services
from gongkai.requests.models import (
    ATTACHMENT_MAX_BYTES,
    Channel,
    DisclosureRequest,
    EventKind,
    IdType,
    RequesterType,
    RequestStatus,
)
from gongkai.screening.detectors import id_check_digit

from .factories import ID, desk, submit_online, upload

D = dt.date
SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(tmp_path: object, settings: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def test_submission_registers_an_online_request_received_the_day_it_is_confirmed() -> None:
    org, _, _ = desk()
    req, created = submit_online(org, attachments=[upload(), upload("户口.png", _png())])
    assert created
    assert req.channel == Channel.ONLINE
    assert req.status == RequestStatus.REGISTERED
    assert req.received_on == D(2025, 9, 25)
    assert req.due_on == D(2025, 10, 29)
    assert req.submitted_at == dt.datetime(2025, 9, 25, 10, 0, tzinfo=SH)
    assert req.number == "2025-0001"
    assert req.phone == "139 1234 5678"
    assert req.version == 1
    assert list(req.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED_ONLINE]
    files = list(req.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in files] == [
        ("身份证明.pdf", "application/pdf"),
        ("户口.png", "image/png"),
    ]
    assert files[0].size == len(b"%PDF-1.4\n%test\n")
    assert len(files[0].sha256) == 64
    assert "身份证明" not in files[0].file.name  # stored under a random name
    record = AuditRecord.objects.filter(action="request.submit_online").latest("seq")
    assert record.actor is None
    assert record.actor_name == services.PUBLIC_ACTOR
    assert ID not in str(record.changes) and "李四" not in str(record.changes)


def test_the_office_officers_are_notified_on_commit(django_capture_on_commit_callbacks: object) -> None:
    org, officer, head = desk()
    outsider = make_user(org=make_org(), role=Role.OFFICE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        req, _ = submit_online(org)
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {officer.pk, head.pk}
    assert outsider.pk not in notified
    assert req.number in Notification.objects.first().message  # type: ignore[union-attr]


def test_a_saturday_submission_is_received_that_saturday() -> None:
    # 条例第三十一条 as DOMAIN.md states it: the day both sides confirm; no shift to Monday.
    org, _, _ = desk()
    req, _ = submit_online(org, now=dt.datetime(2025, 9, 27, 16, 0, tzinfo=SH))
    assert req.received_on == D(2025, 9, 27)
    assert req.due_on == D(2025, 10, 30)


def test_the_receipt_day_is_the_local_day_in_shanghai() -> None:
    org, _, _ = desk()
    late_evening = dt.datetime(2025, 9, 25, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    req, _ = submit_online(org, now=late_evening)
    assert req.received_on == D(2025, 9, 25)
    just_after_midnight = dt.datetime(2025, 9, 25, 16, 30, tzinfo=dt.UTC)
    req2, _ = submit_online(org, key="key-0000000002", now=just_after_midnight)
    assert req2.received_on == D(2025, 9, 26)


def test_the_same_key_returns_the_first_request_and_writes_nothing() -> None:
    org, _, _ = desk()
    first, created = submit_online(org, attachments=[upload()])
    records = AuditRecord.objects.count()
    again, created_again = submit_online(org, description="改过的内容", attachments=[upload(), upload()])
    assert created and not created_again
    assert again.pk == first.pk
    assert DisclosureRequest.objects.count() == 1
    assert again.attachments.count() == 1
    assert again.description == first.description
    assert AuditRecord.objects.count() == records
    other, created_other = submit_online(org, key="key-0000000002")
    assert created_other and other.pk != first.pk


def test_a_key_used_at_another_body_is_refused() -> None:
    org, _, _ = desk()
    submit_online(org)
    with pytest.raises(DomainError, match="提交标识无效"):
        submit_online(make_org())


@pytest.mark.parametrize("key", ["", "short", "has space in it", "x" * 65])
def test_a_malformed_key_is_refused(key: str) -> None:
    org, _, _ = desk()
    with pytest.raises(DomainError, match="提交标识无效"):
        submit_online(org, key=key)
    assert not DisclosureRequest.objects.exists()


def test_an_invalid_id_number_is_refused_and_nothing_is_written() -> None:
    org, _, _ = desk()
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    records = AuditRecord.objects.count()
    with pytest.raises(DomainError, match=r"居民身份证号码.*无效"):
        submit_online(org, id_number=bad, attachments=[upload()])
    assert not DisclosureRequest.objects.exists()
    assert AuditRecord.objects.count() == records


CODE = "91511700MA62L3XQ0" + check_character("91511700MA62L3XQ0")
BAD_CODE = CODE[:-1] + ("1" if CODE[-1] != "1" else "2")


def test_a_legal_person_gives_a_valid_credit_code_and_a_contact_person() -> None:
    org, _, _ = desk()
    req, _ = submit_online(
        org,
        requester_type=RequesterType.COMMERCIAL,
        requester_name="达州市某某建设有限公司",
        id_type=IdType.CREDIT_CODE,
        id_number=CODE.lower(),
        contact_person="王五",
    )
    assert req.contact_person == "王五"
    assert req.id_number == CODE
    assert req.masked()["contact_person"] == "王*"
    with pytest.raises(DomainError, match="校验位错误"):
        submit_online(
            org,
            key="key-0000000002",
            requester_type=RequesterType.COMMERCIAL,
            id_type=IdType.CREDIT_CODE,
            id_number=BAD_CODE,
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"requester_name": " "}, "姓名或名称"),
        ({"description": ""}, "特征性描述"),
        ({"phone": "", "email": ""}, "联系电话或电子邮箱"),
        ({"email": "not-an-address"}, "格式不正确"),
        ({"id_type": ""}, "证件类型"),
        ({"id_number": ""}, "证件号码"),
        ({"delivery_form": "carrier_pigeon"}, "载体形式"),
        ({"requester_type": "alien"}, "申请人类型"),
    ],
)
def test_missing_or_bad_fields_are_refused(fields: dict[str, Any], message: str) -> None:
    org, _, _ = desk()
    with pytest.raises(DomainError, match=message):
        submit_online(org, **fields)
    assert not DisclosureRequest.objects.exists()


def test_attachments_are_checked_by_their_content() -> None:
    org, _, _ = desk()
    with pytest.raises(DomainError, match="内容是 PNG 图片"):
        submit_online(org, attachments=[upload("伪装.pdf", _png())])
    with pytest.raises(DomainError, match="不接受文件"):
        submit_online(org, attachments=[upload("脚本.exe", b"MZ\x90\x00")])
    with pytest.raises(DomainError, match="无法识别"):
        submit_online(org, attachments=[upload("空白.pdf", b"not a pdf at all")])
    assert not DisclosureRequest.objects.exists()


def test_a_docx_attachment_is_accepted() -> None:
    org, _, _ = desk()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    req, _ = submit_online(org, attachments=[upload("说明.docx", buffer.getvalue())])
    assert req.attachments.get().content_type.endswith("wordprocessingml.document")


def test_an_attachment_over_20_mb_is_refused() -> None:
    org, _, _ = desk()
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * ATTACHMENT_MAX_BYTES)
    with pytest.raises(DomainError, match=r"超过了 20\.0 MB 的上限"):
        submit_online(org, attachments=[big])
    assert not DisclosureRequest.objects.exists()


@override_settings(GONGKAI_ATTACHMENT_MAX_BYTES=10)
def test_the_publishing_limit_still_applies_when_lower() -> None:
    org, _, _ = desk()
    with pytest.raises(DomainError, match="上限"):
        submit_online(org, attachments=[upload()])


def test_too_many_attachments_are_refused() -> None:
    org, _, _ = desk()
    with pytest.raises(DomainError, match="附件最多"):
        submit_online(org, attachments=[upload() for _ in range(services.MAX_ATTACHMENTS + 1)])


# --- the requester's lookup -------------------------------------------------------------


def test_find_by_code_and_phone_or_email_normalised() -> None:
    org, _, _ = desk()
    req, _ = submit_online(org)
    code = req.tracking_code
    for contact in ("13912345678", "139-1234-5678", "+86 139 1234 5678", "li.si@example.CN", " Li.Si@Example.cn "):
        found = services.request_find_for_requester(tracking_code=code, contact=contact)
        assert found is not None and found.pk == req.pk, contact


@pytest.mark.parametrize("contact", ["", "13912345679", "li.si@example.com", "1391234567", "\x00"])
def test_find_with_the_wrong_contact_finds_nothing(contact: str) -> None:
    org, _, _ = desk()
    req, _ = submit_online(org)
    assert services.request_find_for_requester(tracking_code=req.tracking_code, contact=contact) is None


def test_find_with_a_wrong_code_finds_nothing() -> None:
    org, _, _ = desk()
    req, _ = submit_online(org)
    assert services.request_find_for_requester(tracking_code=req.tracking_code + "x", contact="13912345678") is None
    assert services.request_find_for_requester(tracking_code="", contact="13912345678") is None


def test_a_request_without_email_is_not_found_by_an_empty_looking_email() -> None:
    org, _, _ = desk()
    req, _ = submit_online(org, email="")
    assert services.request_find_for_requester(tracking_code=req.tracking_code, contact="\x00") is None
    assert services.request_find_for_requester(tracking_code=req.tracking_code, contact="13912345678") is not None


def test_valid_id_factory_is_consistent() -> None:
    assert ID[-1] == id_check_digit(ID[:17])
