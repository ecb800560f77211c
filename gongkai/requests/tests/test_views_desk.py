"""The staff request desk: who may open what, masking, pinned query counts, the action forms
with their optimistic lock, letters, offline intake and the ledger."""

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import PASSWORD, make_user
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.services import catalog_ensure
from gongkai.requests import fee_services, services, views_desk
from gongkai.requests.models import (
    Channel,
    DisclosureRequest,
    EventKind,
    FeeNoticeStatus,
    Letter,
    RequesterType,
    RequestStatus,
    ResultCode,
)

from .factories import ID, desk, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def fresh(org: Organisation, officer: User, **fields: Any) -> DisclosureRequest:
    """A request received today (so the desk's default dates fit it)."""
    today = timezone.localdate()
    return make_request(org, officer, received_on=today, signed_on=today, today=today, **fields)


def act(client: Client, req: DisclosureRequest, action: str, **data: Any) -> Any:
    req.refresh_from_db()
    payload = {f"{action}-version": req.version, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(reverse(f"disclosure_requests:desk_{action}", args=[req.pk]), payload)


# --- who may open what ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client: Client) -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    for url in (
        reverse("disclosure_requests:desk_list"),
        reverse("disclosure_requests:desk_inbox"),
        reverse("disclosure_requests:desk_overdue"),
        reverse("disclosure_requests:desk_intake"),
        reverse("disclosure_requests:desk_ledger"),
        reverse("disclosure_requests:desk_detail", args=[req.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login/" in response["Location"], url
    posted = client.post(reverse("disclosure_requests:desk_reply", args=[req.pk]), {"reply-version": req.version})
    assert posted.status_code == 302 and "/staff/login/" in posted["Location"]
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED


def test_another_bodys_officer_gets_404_and_changes_nothing() -> None:
    org, officer, _ = desk()
    _, stranger, _ = desk()
    req = make_request(org, officer)
    client = login(stranger)
    assert client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).status_code == 404
    response = act(client, req, "reply", result_code=ResultCode.DISCLOSED, replied_on=timezone.localdate())
    assert response.status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED
    assert req.number not in client.get(reverse("disclosure_requests:desk_list")).content.decode()
    export = client.get(reverse("disclosure_requests:desk_ledger_export"), {"org": str(org.pk), "fmt": "csv"})
    assert export.status_code == 404


def test_a_user_without_the_desk_role_is_refused() -> None:
    org, officer, _ = desk()
    editor = make_user(org=org, role=Role.EDITOR)
    client = login(editor)
    assert client.get(reverse("disclosure_requests:desk_list")).status_code == 403
    req = make_request(org, officer)
    assert client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).status_code == 404


def test_only_the_office_head_may_extend() -> None:
    org, officer, head = desk()
    req = fresh(org, officer)
    page = login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "批准延期答复" not in page
    refused = act(login(officer), req, "extend", days=10, approved_on=timezone.localdate(), reason="材料多")
    assert refused.status_code == 403
    req.refresh_from_db()
    assert not req.extended
    head_page = login(head).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "批准延期答复" in head_page
    done = act(login(head), req, "extend", days=10, approved_on=timezone.localdate(), reason="材料多")
    assert done.status_code == 302
    req.refresh_from_db()
    assert req.extended and req.extension_days == 10


# --- masking ----------------------------------------------------------------------------------


def test_lists_mask_the_requester_and_the_detail_shows_handlers_everything() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="张小三")
    client = login(officer)
    listing = client.get(reverse("disclosure_requests:desk_list")).content.decode()
    assert req.number in listing
    assert "张小三" not in listing and req.masked()["requester_name"] in listing
    response = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk]))
    detail = response.content.decode()
    assert "张小三" in detail and ID in detail and "13812345678" in detail
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_detail_masks_for_whoever_may_not_see_personal_data(monkeypatch: pytest.MonkeyPatch) -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="张小三")
    monkeypatch.setattr(views_desk.selectors, "can_see_personal_data", lambda **kwargs: False)
    detail = login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "张小三" not in detail and ID not in detail and "13812345678" not in detail
    assert req.masked()["phone"] in detail
    assert "已遮蔽" in detail


# --- list, inbox and overdue: pinned query counts --------------------------------------------


def _queries_for(client: Client, url: str, django_assert_num_queries: Any, n: int) -> str:
    client.get(url)  # warm the session
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# session, user, role assignments (the site comes from core.sitecache), then the page's own reads.
LIST_QUERIES = 7  # ... + body exists, the body choices, count, one page of rows
INBOX_QUERIES = 5  # ... + count, one page of rows


def test_the_list_costs_the_same_queries_for_three_or_thirty_requests(django_assert_num_queries: Any) -> None:
    org, officer, _ = desk()
    for _ in range(3):
        make_request(org, officer)
    client = login(officer)
    url = reverse("disclosure_requests:desk_list")
    _queries_for(client, url, django_assert_num_queries, LIST_QUERIES)
    for _ in range(27):
        make_request(org, officer)
    page = _queries_for(client, url, django_assert_num_queries, LIST_QUERIES)
    assert "共 30 件" in page
    filtered = f"{url}?org={org.pk}&status=open&q=2025&overdue=on"
    _queries_for(client, filtered, django_assert_num_queries, LIST_QUERIES + 1)  # the chosen body is read


def test_the_inbox_shows_mine_and_unassigned_with_pinned_queries(django_assert_num_queries: Any) -> None:
    org, officer, head = desk()
    mine, unassigned, theirs = (make_request(org, officer) for _ in range(3))
    services.request_assign(actor=head, request=mine, assignee=officer)
    services.request_assign(actor=head, request=theirs, assignee=head)
    client = login(officer)
    url = reverse("disclosure_requests:desk_inbox")
    page = _queries_for(client, url, django_assert_num_queries, INBOX_QUERIES)
    assert mine.number in page and unassigned.number in page and theirs.number not in page
    for _ in range(10):
        make_request(org, officer)
    _queries_for(client, url, django_assert_num_queries, INBOX_QUERIES)


OVERDUE_QUERIES = 4  # session, user, role assignments, one grouped count


def test_overdue_per_body(django_assert_num_queries: Any) -> None:
    org, officer, _ = desk("达州市教育局")
    make_request(org, officer)  # received 2025-09-25: long overdue
    other, _, _ = desk("达州市民政局")
    from gongkai.core import services as core_services

    core_services.role_grant(actor=None, user=officer, organisation=other, role=Role.OFFICE_OFFICER)
    for _ in range(3):
        make_request(other, officer)
    fresh(other, officer)  # not overdue
    client = login(officer)
    page = _queries_for(client, reverse("disclosure_requests:desk_overdue"), django_assert_num_queries, OVERDUE_QUERIES)
    assert "达州市民政局" in page and "<td>3</td>" in page and "<td>4</td>" in page  # 3, and the total
    page = login(officer).get(reverse("disclosure_requests:desk_overdue")).content.decode()
    assert "达州市教育局" in page and "<td>1</td>" in page
    listing = login(officer).get(reverse("disclosure_requests:desk_list"), {"org": str(org.pk), "overdue": "on"})
    assert "共 1 件" in listing.content.decode()


# --- actions ----------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_a_clear_message() -> None:
    org, officer, head = desk()
    req = fresh(org, officer)
    stale = req.version
    services.request_assign(actor=head, request=req, assignee=officer)  # someone else acts first
    response = login(officer).post(
        reverse("disclosure_requests:desk_reply", args=[req.pk]),
        {"reply-version": stale, "reply-result_code": ResultCode.DISCLOSED, "reply-replied_on": timezone.localdate()},
    )
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED


@pytest.mark.django_db(transaction=True)
def test_two_officers_posting_the_same_version_at_once_one_wins() -> None:
    """On PostgreSQL: the reply of one and the withdrawal of the other, built from the same page
    (same version), reach the server together: one is done, the other told 已被他人修改."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database: SQLite's in-memory test database is one connection")
    from gongkai.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1)
    org, officer, head = desk("并发页面测试局")
    req = fresh(org, officer)
    version = req.version
    today = timezone.localdate().isoformat()
    posts = {
        "reply": (login(officer), {"reply-result_code": ResultCode.DISCLOSED, "reply-replied_on": today}),
        "withdraw": (login(head), {"withdraw-on": today}),
    }
    barrier = threading.Barrier(len(posts))
    results: dict[str, Any] = {}

    def run(action: str) -> None:
        client, data = posts[action]
        try:
            barrier.wait()
            url = reverse(f"disclosure_requests:desk_{action}", args=[req.pk])
            results[action] = client.post(url, {f"{action}-version": version, **data})
        except BaseException as exc:
            results[action] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(getattr(r, "status_code", r) for r in results.values())
    # 400: refused by the service's lock; 409: the request had already moved on when it was read.
    assert codes in ([302, 400], [302, 409]), results
    loser = next(r for r in results.values() if r.status_code != 302)
    assert "已被他人修改" in loser.content.decode()
    req.refresh_from_db()
    assert req.version == version + 1
    assert req.status in (RequestStatus.REPLIED, RequestStatus.WITHDRAWN)
    assert req.events.filter(kind__in=(EventKind.REPLY, EventKind.WITHDRAWN)).count() == 1


def test_a_stale_version_is_refused_where_the_service_takes_none() -> None:
    org, officer, _ = desk()
    req = fresh(org, officer)
    services.request_reply(actor=officer, request=req, result_code=ResultCode.DISCLOSED, replied_on=req.received_on)
    req.refresh_from_db()
    stale = req.version - 1
    response = login(officer).post(
        reverse("disclosure_requests:desk_review", args=[req.pk]),
        {"review-version": stale, "review-kind": "reconsideration", "review-outcome": "pending"},
    )
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert not req.reviews.exists()


def test_a_late_correction_notice_needs_a_reason() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)  # received 2025-09-25, the 7 working days are long gone
    client = login(officer)
    today = timezone.localdate()
    respond_by = today + dt.timedelta(days=15)
    refused = act(client, req, "ask_correction", asked_on=today, what="请写明文件名称", respond_by=respond_by)
    assert refused.status_code == 400
    assert "逾期发出请说明理由" in refused.content.decode()
    assert not req.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists()
    done = act(
        client, req, "ask_correction", asked_on=today, what="请写明文件名称", respond_by=respond_by, late_reason="漏办"
    )
    assert done.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CORRECTION_REQUESTED


def test_an_action_not_offered_in_this_state_is_refused() -> None:
    org, officer, _ = desk()
    req = fresh(org, officer)
    response = act(login(officer), req, "resume", ended_on=timezone.localdate())
    assert response.status_code == 409
    assert "当前状态为“已登记”，不能进行此操作" in response.content.decode()


def test_an_action_on_a_request_that_moved_on_says_someone_else_changed_it() -> None:
    org, officer, head = desk()
    req = fresh(org, officer)
    page_version = req.version
    services.request_reply(actor=head, request=req, result_code=ResultCode.DISCLOSED, replied_on=req.received_on)
    response = login(officer).post(
        reverse("disclosure_requests:desk_withdraw", args=[req.pk]),
        {"withdraw-version": page_version, "withdraw-on": timezone.localdate()},
    )
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.REPLIED


def test_consultation_pauses_and_resumes() -> None:
    org, officer, _ = desk()
    req = fresh(org, officer)
    client = login(officer)
    today = timezone.localdate()
    assert act(client, req, "pause", kind="third_party", started_on=today).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.PAUSED
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "征求意见结束" in page
    assert act(client, req, "resume", ended_on=today).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.IN_HANDLING


def test_reply_then_letter_then_download_as_docx_and_pdf() -> None:
    org, officer, _ = desk()
    req = fresh(org, officer)
    client = login(officer)
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "partly_disclosed" in page and "other_1" not in page  # the statutory list, 部分公开 once
    replied = act(client, req, "reply", result_code=ResultCode.PARTLY_DISCLOSED, replied_on=timezone.localdate())
    assert replied.status_code == 302
    issued = act(client, req, "letter", kind="reply", reason="部分内容涉及第三方商业秘密")
    assert issued.status_code == 302
    letter = Letter.objects.get(request=req)
    assert letter.result_code == ResultCode.PARTLY_DISCLOSED
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert letter.number in page
    docx = client.get(reverse("disclosure_requests:letter_download", args=[letter.pk, "docx"]))
    pdf = client.get(reverse("disclosure_requests:letter_download", args=[letter.pk, "pdf"]))
    assert docx.getvalue().startswith(b"PK")
    assert pdf.getvalue().startswith(b"%PDF")
    _, stranger, _ = desk()
    assert (
        login(stranger).get(reverse("disclosure_requests:letter_download", args=[letter.pk, "pdf"])).status_code == 404
    )


def test_a_correction_letter_must_name_what_to_add() -> None:
    org, officer, _ = desk()
    req = fresh(org, officer)
    response = act(login(officer), req, "letter", kind="correction", correction_items="")
    assert response.status_code == 400 and "需要补正的事项" in response.content.decode()
    assert not Letter.objects.exists()


def test_release_to_proactive_disclosure_links_the_draft_item() -> None:
    org, officer, _ = desk()
    catalog_ensure(actor=None, organisation=org)
    req = fresh(org, officer)
    client = login(officer)
    act(client, req, "reply", result_code=ResultCode.DISCLOSED, replied_on=timezone.localdate())
    response = act(client, req, "release")
    item = InfoItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:item_detail", args=[item.pk])
    assert item.state == ItemState.DRAFT
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert reverse("staff:item_detail", args=[item.pk]) in page
    assert "转为主动公开（条例第四十四条）" not in page  # once only


def test_fee_notice_and_payment_when_the_body_charges() -> None:
    org, officer, head = desk()
    req = fresh(org, officer)
    client = login(officer)
    assert "发出收费通知" not in client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    fee_services.desk_settings_update(actor=head, organisation=org, fees_enabled=True)
    assert act(client, req, "fee_notice", method="by_volume", quantity=50).status_code == 302
    notice = req.fee_notices.get()
    assert notice.amount == 200 and notice.status == FeeNoticeStatus.ISSUED
    paid = client.post(
        reverse("disclosure_requests:desk_fee_payment", args=[req.pk]),
        {
            "fee_payment-version": DisclosureRequest.objects.get(pk=req.pk).version,
            "fee_payment-notice": notice.pk,
            "fee_payment-notice_version": notice.version,
            "fee_payment-paid_on": timezone.localdate(),
        },
    )
    assert paid.status_code == 302
    notice.refresh_from_db()
    assert notice.status == FeeNoticeStatus.PAID


def test_the_office_head_switches_fees_on_and_the_officer_may_not(django_assert_num_queries: Any) -> None:
    org, officer, head = desk()
    url = reverse("disclosure_requests:desk_settings")
    assert login(officer).get(url, {"org": str(org.pk)}).status_code == 403
    refused = login(officer).post(f"{url}?org={org.pk}", {"fees_enabled": "on"})
    assert refused.status_code == 403 and not fee_services.fees_enabled(org)
    client = login(head)
    saved = client.post(f"{url}?org={org.pk}", {"fees_enabled": "on", "handler_notes": "收费前请先请示"})
    assert saved.status_code == 302 and fee_services.fees_enabled(org)
    listing = _queries_for(client, url, django_assert_num_queries, 5)  # ... + bodies, their settings
    assert "收取" in listing
    req = fresh(org, officer)
    assert (
        "收费前请先请示"
        in login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    )


# --- offline intake ------------------------------------------------------------------------


INTAKE = {
    "channel": Channel.LETTER,
    "requester_type": RequesterType.NATURAL_PERSON,
    "requester_name": "赵六",
    "id_type": "id_card",
    "id_number": ID,
    "phone": "13912345678",
    "description": "达州市2025年财政预算公开情况",
}


def test_offline_intake_by_letter_takes_the_signing_date() -> None:
    org, officer, _ = desk()
    signed = timezone.localdate() - dt.timedelta(days=1)
    response = login(officer).post(reverse("disclosure_requests:desk_intake"), {**INTAKE, "signed_on": signed})
    req = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure_requests:desk_detail", args=[req.pk])
    assert req.received_on == signed and req.channel == Channel.LETTER and req.organisation == org


def test_offline_intake_errors_are_chinese_and_write_nothing() -> None:
    _, officer, _ = desk()
    client = login(officer)
    missing = client.post(reverse("disclosure_requests:desk_intake"), INTAKE).content.decode()
    assert "签收日期" in missing
    bad_id = client.post(
        reverse("disclosure_requests:desk_intake"),
        {**INTAKE, "signed_on": timezone.localdate(), "id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1")},
    ).content.decode()
    assert "校验位" in bad_id
    future = client.post(
        reverse("disclosure_requests:desk_intake"),
        {**INTAKE, "signed_on": timezone.localdate() + dt.timedelta(days=3)},
    ).content.decode()
    assert "不能晚于今天" in future
    assert not DisclosureRequest.objects.exists()


def test_intake_asks_which_body_when_the_user_has_several() -> None:
    org, officer, _ = desk()
    other, _, _ = desk()
    from gongkai.core import services as core_services

    core_services.role_grant(actor=None, user=officer, organisation=other, role=Role.OFFICE_OFFICER)
    client = login(officer)
    chooser = client.get(reverse("disclosure_requests:desk_intake")).content.decode()
    assert org.name in chooser and other.name in chooser
    form = client.get(reverse("disclosure_requests:desk_intake"), {"org": other.pk})
    assert form.status_code == 200
    _, _, _ = desk()
    assert client.get(reverse("disclosure_requests:desk_intake"), {"org": 999999}).status_code == 404


# --- ledger -----------------------------------------------------------------------------------


def test_ledger_export_and_import_with_a_bad_row_writes_nothing() -> None:
    org, officer, _ = desk()
    make_request(org, officer)
    client = login(officer)
    exported = client.get(reverse("disclosure_requests:desk_ledger_export"), {"org": str(org.pk), "fmt": "csv"})
    text = exported.content.decode("utf-8-sig")
    assert text.startswith("申请编号,申请人类型,提交方式,收到日期")
    assert "2025-0001" in text
    xlsx = client.get(reverse("disclosure_requests:desk_ledger_export"), {"org": str(org.pk), "fmt": "xlsx"})
    assert xlsx.content.startswith(b"PK")

    header = text.splitlines()[0]
    good = "2025-0101,自然人,信函申请,2025-10-09,某项信息,,,,否,,"
    bad = "2025-0102,外星人,信函申请,2025-13-01,某项信息,,,,否,,"
    upload = io.BytesIO(f"{header}\n{good}\n{bad}\n".encode())
    upload.name = "台账.csv"
    response = client.post(reverse("disclosure_requests:desk_ledger"), {"org": str(org.pk), "file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行" in page and "未导入任何记录" in page
    assert DisclosureRequest.objects.count() == 1

    upload = io.BytesIO(f"{header}\n{good}\n".encode())
    upload.name = "台账.csv"
    done = client.post(reverse("disclosure_requests:desk_ledger"), {"org": str(org.pk), "file": upload})
    assert done.status_code == 302
    assert DisclosureRequest.objects.filter(organisation=org, number="2025-0101").exists()


def test_ledger_import_refuses_a_file_of_another_kind() -> None:
    org, officer, _ = desk()
    upload = io.BytesIO(b"hello")
    upload.name = "ledger.txt"
    response = login(officer).post(reverse("disclosure_requests:desk_ledger"), {"org": str(org.pk), "file": upload})
    assert response.status_code == 400 and ".xlsx" in response.content.decode()
