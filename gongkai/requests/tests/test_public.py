"""The public request pages: the form (条例第二十九条) with its confirmation step, the
receipt, the rate limit, and the status page with its letters."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import Organisation
from gongkai.core.tests.factories import make_org, make_site
from gongkai.requests import letter_services, services, views_public
from gongkai.requests.models import (
    Channel,
    DisclosureRequest,
    IdType,
    Letter,
    RequesterType,
    RequestStatus,
    ResultCode,
)

from .factories import ID

pytestmark = pytest.mark.django_db

BAD_ID = ID[:-1] + ("0" if ID[-1] != "0" else "1")
FORM = {
    "requester_kind": "natural_person",
    "requester_name": "王小明",
    "id_type": IdType.ID_CARD,
    "id_number": ID,
    "phone": "138 1234 5678",
    "email": "wang@example.cn",
    "address": "四川省达州市通川区朝阳路1号",
    "description": "2026年达州市城区老旧小区改造项目清单",
    "delivery_form": "electronic",
    "delivery_way": "电子邮件",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()  # the rate-limit counters live in the cache


@pytest.fixture
def body() -> Organisation:
    city = make_org("达州市人民政府", kind="government")
    make_site(city, "dz", is_default=True, name="达州市人民政府网")
    return make_org("达州市住房和城乡建设局", parent=city)


def fill(client: Client, org: Organisation, **changes: Any) -> tuple[Any, str]:
    """Open the form, post it with the changes; returns the response and the form's key."""
    page = client.get(reverse("disclosure_requests:apply", args=[org.pk]))
    assert page.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode())
    assert key is not None
    data = {**FORM, "idempotency_key": key.group(1), **changes}
    return client.post(reverse("disclosure_requests:apply", args=[org.pk]), data), key.group(1)


def submit(client: Client, org: Organisation, **changes: Any) -> Any:
    review, key = fill(client, org, **changes)
    assert review.status_code == 200, review.content.decode()
    assert "核对申请内容" in review.content.decode()
    return client.post(reverse("disclosure_requests:confirm", args=[org.pk]), {"idempotency_key": key})


def test_chooser_lists_the_bodies_of_this_site(client: Client, body: Organisation) -> None:
    other_city = make_org("巴中市人民政府", kind="government")
    make_site(other_city, "bz")
    page = client.get(reverse("disclosure_requests:chooser")).content.decode()
    assert body.name in page and "达州市人民政府" in page
    assert "巴中市人民政府" not in page
    assert client.get(reverse("disclosure_requests:apply", args=[other_city.pk])).status_code == 404


def test_chooser_query_count_is_pinned(client: Client, body: Organisation, django_assert_num_queries: Any) -> None:
    for n in range(5):
        make_org(f"达州市第{n}局", parent=body.parent)
    url = reverse("disclosure_requests:chooser")
    client.get(url)
    with django_assert_num_queries(2):  # inner sites, bodies of the site (site and navigation: core.sitecache)
        page = client.get(url).content.decode()
    assert "达州市第4局" in page


def test_form_labels_and_errors_are_linked(client: Client, body: Organisation) -> None:
    response, _ = fill(client, body, id_number="", phone="")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="id_id_number_helptext id_id_number_error"' in html
    assert '<label for="id_phone">' in html
    assert 'id="id_phone_error"' in html
    assert html.count("这个字段是必填项") == 4  # in the summary and beside the field, for both fields


def test_a_bad_id_number_gives_a_chinese_error_and_writes_nothing(client: Client, body: Organisation) -> None:
    response, key = fill(client, body, id_number=BAD_ID)
    html = response.content.decode()
    assert response.status_code == 200
    assert "居民身份证号码" in html and "校验位" in html
    assert "核对申请内容" not in html
    confirmed = client.post(reverse("disclosure_requests:confirm", args=[body.pk]), {"idempotency_key": key})
    assert confirmed.status_code == 302  # no draft: back to the form
    assert not DisclosureRequest.objects.exists()


def test_an_organisation_needs_its_type_a_contact_person_and_a_valid_credit_code(
    client: Client, body: Organisation
) -> None:
    response, _ = fill(
        client, body, requester_kind="organisation", id_type=IdType.CREDIT_CODE, id_number="91510000MA6CXXXXX0"
    )
    html = response.content.decode()
    assert "请选择法人或者其他组织的类型" in html
    assert "请填写联系人" in html
    assert "统一社会信用代码" in html
    assert not DisclosureRequest.objects.exists()


def test_confirmation_submits_sets_receipt_day_and_shows_the_receipt(client: Client, body: Organisation) -> None:
    response = submit(client, body)
    req = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure_requests:receipt", args=[req.pk])
    assert req.channel == Channel.ONLINE
    assert req.requester_type == RequesterType.NATURAL_PERSON
    assert req.received_on == timezone.localdate()  # 条例第三十一条: the day both sides confirm
    assert req.status == RequestStatus.REGISTERED
    assert req.due_on is not None and req.due_on > req.received_on
    assert req.delivery_way == "电子邮件"
    receipt = client.get(response["Location"]).content.decode()
    assert req.tracking_code in receipt
    assert req.due_on.isoformat() in receipt
    assert ID not in receipt  # the receipt repeats no identity number
    printable = client.get(reverse("disclosure_requests:receipt_print", args=[req.pk]))
    assert printable.status_code == 200 and req.tracking_code in printable.content.decode()
    # Another browser cannot open the receipt.
    assert Client().get(response["Location"]).status_code == 404


def test_back_to_the_form_keeps_what_was_entered(client: Client, body: Organisation) -> None:
    review, key = fill(client, body, requester_name="王大明")
    assert "王大明" in review.content.decode()
    back = client.get(reverse("disclosure_requests:apply", args=[body.pk]), {"key": key}).content.decode()
    assert 'value="王大明"' in back and f'value="{key}"' in back
    changed = client.post(
        reverse("disclosure_requests:apply", args=[body.pk]),
        {**FORM, "requester_name": "王二明", "idempotency_key": key},
    )
    assert "王二明" in changed.content.decode()
    client.post(reverse("disclosure_requests:confirm", args=[body.pk]), {"idempotency_key": key})
    assert DisclosureRequest.objects.get().requester_name == "王二明"


def test_a_double_submit_makes_one_request(client: Client, body: Organisation) -> None:
    review, key = fill(client, body)
    assert review.status_code == 200
    url = reverse("disclosure_requests:confirm", args=[body.pk])
    first = client.post(url, {"idempotency_key": key})
    second = client.post(url, {"idempotency_key": key})
    assert DisclosureRequest.objects.count() == 1
    assert first["Location"] == second["Location"]
    # The form posted again (back button) with the same key still finds the first request.
    again = client.post(reverse("disclosure_requests:apply", args=[body.pk]), {**FORM, "idempotency_key": key})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert DisclosureRequest.objects.count() == 1


def test_the_service_finds_the_first_request_when_the_session_forgot_it(client: Client, body: Organisation) -> None:
    """Two tabs of one browser racing: the session has not yet recorded the first submit."""
    _review, key = fill(client, body)
    url = reverse("disclosure_requests:confirm", args=[body.pk])
    session = client.session
    draft = dict(session[views_public._DRAFTS])
    client.post(url, {"idempotency_key": key})
    session = client.session
    session[views_public._DRAFTS] = draft
    session[views_public._DONE] = {}
    session.save()
    second = client.post(url, {"idempotency_key": key})
    assert second.status_code == 302
    assert DisclosureRequest.objects.count() == 1


def test_submissions_are_rate_limited_per_address(client: Client, body: Organisation) -> None:
    for _ in range(views_public.SUBMISSIONS_PER_HOUR):
        assert submit(client, body).status_code == 302
    blocked = submit(client, body)
    assert blocked.status_code == 429
    assert "操作过于频繁" in blocked.content.decode()
    assert DisclosureRequest.objects.count() == views_public.SUBMISSIONS_PER_HOUR
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert submit(other, body).status_code == 302


def test_filled_in_forms_are_rate_limited_too(client: Client, body: Organisation) -> None:
    for _ in range(views_public.DRAFTS_PER_HOUR):
        assert fill(client, body)[0].status_code == 200
    assert fill(client, body)[0].status_code == 429
    assert not DisclosureRequest.objects.exists()


def test_attachments_are_kept_through_the_confirmation(client: Client, body: Organisation, media: Path) -> None:
    pdf = SimpleUploadedFile("身份证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    page = client.get(reverse("disclosure_requests:apply", args=[body.pk])).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    review = client.post(
        reverse("disclosure_requests:apply", args=[body.pk]),
        {**FORM, "idempotency_key": key.group(1), "attachments": [pdf]},
    )
    assert "身份证明.pdf" in review.content.decode()
    client.post(reverse("disclosure_requests:confirm", args=[body.pk]), {"idempotency_key": key.group(1)})
    req = DisclosureRequest.objects.get()
    assert list(req.attachments.values_list("original_name", flat=True)) == ["身份证明.pdf"]
    assert not (media / views_public.PENDING_DIR / key.group(1)).exists()  # the waiting copy is gone


def test_an_attachment_that_is_not_what_it_claims_is_refused(client: Client, body: Organisation) -> None:
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    page = client.get(reverse("disclosure_requests:apply", args=[body.pk])).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    response = client.post(
        reverse("disclosure_requests:apply", args=[body.pk]),
        {**FORM, "idempotency_key": key.group(1), "attachments": [fake]},
    )
    assert "核对申请内容" not in response.content.decode()
    assert "scan.pdf" in response.content.decode()


# --- status ---------------------------------------------------------------------------------


def _submitted(body: Organisation) -> DisclosureRequest:
    req, _ = services.request_submit_online(
        organisation=body,
        requester_type=RequesterType.NATURAL_PERSON,
        requester_name="王小明",
        id_type=IdType.ID_CARD,
        id_number=ID,
        phone="13812345678",
        email="Wang@Example.cn",
        address="",
        description="2026年城区老旧小区改造项目清单",
        delivery_form="electronic",
        delivery_way="电子邮件",
        idempotency_key="status-test-key-0001",
    )
    return req


def test_status_lookup_with_a_wrong_contact_says_not_found(client: Client, body: Organisation) -> None:
    req = _submitted(body)
    response = client.post(
        reverse("disclosure_requests:status_lookup"), {"tracking_code": req.tracking_code, "contact": "13900000000"}
    )
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
    unknown = client.post(
        reverse("disclosure_requests:status_lookup"), {"tracking_code": "nope", "contact": "13812345678"}
    )
    assert unknown.content.decode().count("未找到") == response.content.decode().count("未找到")
    assert client.get(reverse("disclosure_requests:status", args=[req.pk])).status_code == 404


def test_status_page_shows_the_request_without_personal_data(client: Client, body: Organisation) -> None:
    req = _submitted(body)
    response = client.post(
        reverse("disclosure_requests:status_lookup"),
        {"tracking_code": req.tracking_code, "contact": "+86 138-1234-5678"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure_requests:status", args=[req.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已登记" in page and req.number in page
    assert "王小明" not in page and ID not in page and "13812345678" not in page
    # By e-mail, case-insensitive, in another browser.
    other = Client()
    found = other.post(
        reverse("disclosure_requests:status_lookup"), {"tracking_code": req.tracking_code, "contact": "wang@example.cn"}
    )
    assert found.status_code == 302


def test_status_page_lists_letters_and_serves_them_to_that_session_only(client: Client, body: Organisation) -> None:
    req = _submitted(body)
    services.request_reply(
        actor=None, request=req, result_code=ResultCode.DISCLOSED, replied_on=req.received_on, today=req.received_on
    )
    letter = letter_services.letter_issue(
        actor=None, request=req, kind="reply", result_code=ResultCode.DISCLOSED, today=req.received_on
    )
    client.post(
        reverse("disclosure_requests:status_lookup"), {"tracking_code": req.tracking_code, "contact": "13812345678"}
    )
    page = client.get(reverse("disclosure_requests:status", args=[req.pk])).content.decode()
    assert "已答复" in page and letter.number in page
    docx = client.get(reverse("disclosure_requests:status_letter", args=[req.pk, letter.pk, "docx"]))
    pdf = client.get(reverse("disclosure_requests:status_letter", args=[req.pk, letter.pk, "pdf"]))
    assert docx.getvalue().startswith(b"PK")
    assert pdf.getvalue().startswith(b"%PDF")
    stranger = Client()
    assert (
        stranger.get(reverse("disclosure_requests:status_letter", args=[req.pk, letter.pk, "pdf"])).status_code == 404
    )
    # A letter of another request is not served through this request's page.
    other = _other_letter(body)
    assert client.get(reverse("disclosure_requests:status_letter", args=[req.pk, other.pk, "pdf"])).status_code == 404


def _other_letter(body: Organisation) -> Letter:
    req, _ = services.request_submit_online(
        organisation=body,
        requester_type=RequesterType.NATURAL_PERSON,
        requester_name="李四",
        id_type=IdType.ID_CARD,
        id_number=ID,
        phone="13700000000",
        email="",
        address="",
        description="其他信息",
        delivery_form="paper",
        delivery_way="邮寄",
        idempotency_key="status-test-key-0002",
    )
    return letter_services.letter_issue(
        actor=None, request=req, kind="third_party", extra={"third_party_name": "甲公司"}
    )


def test_lookups_are_rate_limited(client: Client, body: Organisation) -> None:
    url = reverse("disclosure_requests:status_lookup")
    for _ in range(views_public.LOOKUPS_PER_HOUR):
        client.post(url, {"tracking_code": "x" * 10, "contact": "13800000000"})
    assert client.post(url, {"tracking_code": "x" * 10, "contact": "13800000000"}).status_code == 429


def test_the_receipt_day_is_the_shanghai_day_of_confirmation(client: Client, body: Organisation) -> None:
    """Confirmed at 23:50 in Asia/Shanghai (15:50 UTC): received that day, not the UTC one."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 50, tzinfo=dt.UTC), tick=False):
        _review, key = fill(client, body)
        client.post(reverse("disclosure_requests:confirm", args=[body.pk]), {"idempotency_key": key})
    req = DisclosureRequest.objects.get()
    assert req.received_on == dt.date(2026, 3, 2)
    assert req.due_on is not None and req.due_on > req.received_on
