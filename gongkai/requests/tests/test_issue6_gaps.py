"""Issue #6 checked sentence by sentence: the gaps found and closed.

- review records (复议诉讼) editable later: 尚未审结 → 维持;
- the requester withdraws from the status page (tracking code + contact again, CSRF);
- consultations have their own 15-working-day timers, shown on the desk and reminded;
- auditors (AUDIT_READ) read a body's requests with full personal data, read-only;
- re-importing the ledger keeps where a request stands on the desk and writes nothing new;
- replied → closed (办结归档), and Art. 44 release still possible from closed."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gongkai.core import workdays
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditRecord, Notification, Organisation, Role, User
from gongkai.core.tests.factories import PASSWORD, make_org, make_site, make_user
from gongkai.publishing.services import catalog_ensure
from gongkai.requests import deadlines, ledger, reminders, selectors, services
from gongkai.requests.models import (
    DisclosureRequest,
    EventKind,
    IdType,
    PauseKind,
    ReminderKind,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
)

from .factories import ID, TODAY, desk, make_request

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def login(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def replied(org: Organisation, officer: User, result: str = ResultCode.DISCLOSED) -> DisclosureRequest:
    req = make_request(org, officer)
    return services.request_reply(
        actor=officer, request=req, result_code=result, replied_on=D(2025, 10, 20), today=TODAY
    )


# --- review records editable later ------------------------------------------------------------


def test_a_pending_review_gets_its_outcome_later() -> None:
    org, officer, _ = desk()
    req = replied(org, officer)
    review = services.review_record_add(actor=officer, request=req, kind=ReviewKind.RECONSIDERATION)
    assert review.outcome == ReviewOutcome.PENDING
    updated = services.review_record_update(actor=officer, review=review, outcome=ReviewOutcome.UPHELD)
    assert updated.outcome == ReviewOutcome.UPHELD
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.UPHELD
    record = AuditRecord.objects.filter(action="request.review_update").get()
    assert record.changes["outcome"] == [ReviewOutcome.PENDING, ReviewOutcome.UPHELD]
    # The ledger shows the new outcome.
    row = ledger.ledger_rows(org)[0]
    assert row[9:] == ["行政复议", "维持"]


def test_review_update_refuses_bad_input_and_other_bodies() -> None:
    org, officer, _ = desk()
    req = replied(org, officer)
    review = services.review_record_add(actor=officer, request=req, kind=ReviewKind.DIRECT_SUIT)
    with pytest.raises(DomainError, match="未知的复议诉讼结果"):
        services.review_record_update(actor=officer, review=review, outcome="won")
    with pytest.raises(DomainError, match="没有变化"):
        services.review_record_update(actor=officer, review=review, outcome=ReviewOutcome.PENDING)
    with pytest.raises(DomainError, match="不能早于收到申请之日"):
        services.review_record_update(
            actor=officer, review=review, outcome=ReviewOutcome.UPHELD, filed_on=D(2025, 1, 1)
        )
    _other, stranger, _ = desk("另一机关")
    with pytest.raises(DomainError):
        services.review_record_update(actor=stranger, review=review, outcome=ReviewOutcome.UPHELD)
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING


def test_the_desk_updates_a_review_outcome() -> None:
    org, officer, _ = desk()
    req = replied(org, officer)
    review = services.review_record_add(actor=officer, request=req, kind=ReviewKind.RECONSIDERATION)
    client = login(officer)
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "更新复议诉讼结果" in page
    req.refresh_from_db()
    response = client.post(
        reverse("disclosure_requests:desk_review_update", args=[req.pk]),
        {
            "review_update-version": req.version,
            "review_update-review": review.pk,
            "review_update-outcome": ReviewOutcome.CORRECTED,
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.CORRECTED
    # A review of another request cannot be smuggled in.
    other = replied(org, officer)
    foreign = services.review_record_add(actor=officer, request=other, kind=ReviewKind.RECONSIDERATION)
    req.refresh_from_db()
    refused = client.post(
        reverse("disclosure_requests:desk_review_update", args=[req.pk]),
        {
            "review_update-version": req.version,
            "review_update-review": foreign.pk,
            "review_update-outcome": ReviewOutcome.UPHELD,
        },
    )
    assert refused.status_code == 400
    foreign.refresh_from_db()
    assert foreign.outcome == ReviewOutcome.PENDING


# --- withdrawal by the requester ----------------------------------------------------------------


@pytest.fixture
def body() -> Organisation:
    city = make_org("达州市人民政府", kind="government")
    make_site(city, "dz", is_default=True, name="达州市人民政府网")
    return make_org("达州市住房和城乡建设局", parent=city)


def _online(body: Organisation, key: str = "withdraw-key-0001") -> DisclosureRequest:
    req, _ = services.request_submit_online(
        organisation=body,
        requester_type=RequesterType.NATURAL_PERSON,
        requester_name="王小明",
        id_type=IdType.ID_CARD,
        id_number=ID,
        phone="13812345678",
        email="wang@example.cn",
        address="",
        description="2026年城区老旧小区改造项目清单",
        delivery_form="electronic",
        delivery_way="电子邮件",
        idempotency_key=key,
    )
    return req


def _look_up(client: Client, req: DisclosureRequest) -> None:
    found = client.post(
        reverse("disclosure_requests:status_lookup"), {"tracking_code": req.tracking_code, "contact": "13812345678"}
    )
    assert found.status_code == 302


def test_the_requester_withdraws_from_the_status_page(client: Client, body: Organisation) -> None:
    req = _online(body)
    _look_up(client, req)
    url = reverse("disclosure_requests:status", args=[req.pk])
    page = client.get(url).content.decode()
    assert "撤回申请" in page
    withdraw = reverse("disclosure_requests:status_withdraw", args=[req.pk])
    # Wrong contact: refused, nothing written.
    wrong = client.post(withdraw, {"contact": "13900000000", "confirm": "on"})
    assert wrong.status_code == 400
    assert "未能撤回" in wrong.content.decode()
    # Not confirmed: refused.
    unconfirmed = client.post(withdraw, {"contact": "13812345678"})
    assert unconfirmed.status_code == 400
    assert "请勾选确认撤回" in unconfirmed.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED
    done = client.post(withdraw, {"contact": "wang@example.cn", "confirm": "on", "reason": "已自行获取"})
    assert done.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.result_code) == (RequestStatus.WITHDRAWN, ResultCode.OTHER_3)
    assert req.events.filter(kind=EventKind.WITHDRAWN, note__contains="已自行获取").exists()
    record = AuditRecord.objects.filter(action="request.withdraw").get()
    assert record.actor is None and record.actor_name == services.REQUESTER_ACTOR
    after = client.get(url).content.decode()
    assert "已撤回" in after and "withdraw-button" not in after
    # A second click changes nothing.
    again = client.post(withdraw, {"contact": "13812345678", "confirm": "on"})
    assert again.status_code == 302
    assert AuditRecord.objects.filter(action="request.withdraw").count() == 1


def test_withdrawal_needs_the_session_and_csrf(body: Organisation) -> None:
    req = _online(body)
    withdraw = reverse("disclosure_requests:status_withdraw", args=[req.pk])
    stranger = Client()
    assert stranger.post(withdraw, {"contact": "13812345678", "confirm": "on"}).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    lookup = strict.get(reverse("disclosure_requests:status_lookup"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', lookup.content.decode())
    assert token is not None
    found = strict.post(
        reverse("disclosure_requests:status_lookup"),
        {"tracking_code": req.tracking_code, "contact": "13812345678", "csrfmiddlewaretoken": token.group(1)},
    )
    assert found.status_code == 302
    assert strict.post(withdraw, {"contact": "13812345678", "confirm": "on"}).status_code == 403
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED


def test_a_replied_request_cannot_be_withdrawn_by_the_requester(body: Organisation) -> None:
    req = _online(body)
    services.request_reply(
        actor=None, request=req, result_code=ResultCode.DISCLOSED, replied_on=req.received_on, today=req.received_on
    )
    with pytest.raises(DomainError, match="不能再撤回"):
        services.request_withdraw_by_requester(tracking_code=req.tracking_code, contact="13812345678")
    req.refresh_from_db()
    assert req.status == RequestStatus.REPLIED


# --- consultation timers (条例第三十二条、第三十四条) ------------------------------------------------


def test_a_consultation_has_its_own_15_working_day_timer() -> None:
    calendar = workdays.calendar()
    # 2025-09-26 is day 0; 09-28 and 10-11 are make-up working days, 10-01..10-08 holidays.
    timer = deadlines.consultation_timer(calendar, started=D(2025, 9, 26), reason="third_party")
    assert (timer.due, timer.provisional) == (D(2025, 10, 23), False)
    assert "第三十二条" in timer.article
    late = deadlines.consultation_timer(calendar, started=D(2026, 12, 21), reason="other_body")
    assert late.provisional and "视为同意" in late.silence


def _paused(kind: str = PauseKind.THIRD_PARTY) -> tuple[DisclosureRequest, User]:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_pause(actor=officer, request=req, kind=kind, started_on=D(2025, 9, 26), today=TODAY)
    return req, officer


def test_the_desk_shows_the_consultation_timer() -> None:
    req, officer = _paused()
    page = login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "征求意见期限" in page and "2025-10-23" in page and "条例第三十二条" in page
    services.request_resume(actor=officer, request=req, ended_on=D(2025, 10, 10), today=TODAY)
    timers = selectors.request_consultations(request=req)
    assert [(t.started, t.due, t.ended) for t in timers] == [(D(2025, 9, 26), D(2025, 10, 23), D(2025, 10, 10))]
    page = login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "已于 2025-10-10 结束" in page


def _send(day: dt.date, capture: Any) -> int:
    with capture(execute=True):
        return reminders.request_reminders_send(today=day)


def test_consultation_timers_are_reminded(django_capture_on_commit_callbacks: Any) -> None:
    req, officer = _paused(PauseKind.OTHER_BODY)
    assert _send(D(2025, 10, 15), django_capture_on_commit_callbacks) == 0
    assert _send(D(2025, 10, 16), django_capture_on_commit_callbacks) == 1  # 5 working days left
    assert _send(D(2025, 10, 16), django_capture_on_commit_callbacks) == 0  # once
    assert _send(D(2025, 10, 21), django_capture_on_commit_callbacks) == 1  # 2 working days left
    assert _send(D(2025, 10, 24), django_capture_on_commit_callbacks) == 1  # past the timer
    kinds = list(req.reminders.order_by("pk").values_list("kind", "due_on"))
    assert kinds == [
        (ReminderKind.CONSULT5, D(2025, 10, 23)),
        (ReminderKind.CONSULT2, D(2025, 10, 23)),
        (ReminderKind.CONSULT_OVER, D(2025, 10, 23)),
    ]
    last = Notification.objects.filter(user=officer).order_by("-pk").first()
    assert last is not None and "视为同意" in last.message and req.number in last.message


def test_an_ended_consultation_is_not_reminded(django_capture_on_commit_callbacks: Any) -> None:
    req, officer = _paused()
    services.request_resume(actor=officer, request=req, ended_on=D(2025, 10, 10), today=TODAY)
    _send(D(2025, 10, 24), django_capture_on_commit_callbacks)
    consult_kinds = (ReminderKind.CONSULT5, ReminderKind.CONSULT2, ReminderKind.CONSULT_OVER)
    assert not req.reminders.filter(kind__in=consult_kinds).exists()


# --- auditors read, read-only ----------------------------------------------------------------


def test_an_auditor_reads_full_personal_data_and_cannot_act() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer, requester_name="张小三")
    auditor = make_user(org=org, role=Role.AUDIT_ADMIN)
    client = login(auditor)
    listing = client.get(reverse("disclosure_requests:desk_list"))
    assert listing.status_code == 200 and req.number in listing.content.decode()
    page = client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "张小三" in page and ID in page and "13812345678" in page
    assert "只读" in page and 'id="actions"' not in page
    req.refresh_from_db()
    refused = client.post(
        reverse("disclosure_requests:desk_reply", args=[req.pk]),
        {"reply-version": req.version, "reply-result_code": "disclosed", "reply-replied_on": "2025-10-20"},
    )
    assert refused.status_code in (403, 404)
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED


def test_an_auditor_of_another_body_and_plain_staff_see_nothing() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    other = make_org("另一机关")
    for user in (make_user(org=other, role=Role.AUDIT_ADMIN), make_user(org=org, role=Role.EDITOR)):
        client = login(user)
        assert client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).status_code == 404


def test_the_list_for_an_auditor_has_pinned_queries(django_assert_num_queries: Any) -> None:
    org, officer, _ = desk()
    auditor = make_user(org=org, role=Role.AUDIT_ADMIN, descendants=True)
    for _ in range(3):
        make_request(org, officer)
    client = login(auditor)
    url = reverse("disclosure_requests:desk_list")
    client.get(url)
    with django_assert_num_queries(7) as few:
        client.get(url)
    for _ in range(20):
        make_request(org, officer)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "共 23 件" in page


# --- ledger re-import keeps the desk's state --------------------------------------------------


def test_reimporting_the_ledger_keeps_paused_and_withdrawn_requests_as_they_stand(tmp_path: Path) -> None:
    org, officer, _ = desk()
    paused = make_request(org, officer)
    paused = services.request_pause(
        actor=officer, request=paused, kind=PauseKind.THIRD_PARTY, started_on=D(2025, 10, 13), today=TODAY
    )
    paused = services.request_resume(actor=officer, request=paused, ended_on=D(2025, 10, 17), today=TODAY)
    withdrawn = make_request(org, officer)
    withdrawn = services.request_withdraw(actor=officer, request=withdrawn, on=D(2025, 10, 9), today=TODAY)
    due, version = paused.due_on, paused.version
    assert due == D(2025, 11, 5)
    path = tmp_path / "台账.csv"
    path.write_bytes(ledger.export_file(org, "csv"))
    again = ledger.ledger_import(actor=officer, organisation=org, table=ledger.read_table(path), today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    paused.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (paused.status, paused.due_on, paused.version) == (RequestStatus.IN_HANDLING, due, version)
    assert withdrawn.status == RequestStatus.WITHDRAWN
    # An edited description updates the row but keeps the timeline's due date and statuses.
    text = path.read_text(encoding="utf-8-sig").replace("老旧小区改造项目清单", "老旧小区改造项目清单（补充）")
    path.write_text(text, encoding="utf-8-sig")
    edited = ledger.ledger_import(actor=officer, organisation=org, table=ledger.read_table(path), today=TODAY)
    assert (edited.created, edited.updated, edited.unchanged) == (0, 2, 0)
    paused.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (paused.status, paused.due_on) == (RequestStatus.IN_HANDLING, due)
    assert withdrawn.status == RequestStatus.WITHDRAWN


# --- replied → closed ---------------------------------------------------------------------------


def test_a_replied_request_is_closed_and_may_still_be_released() -> None:
    org, officer, _ = desk()
    catalog_ensure(actor=None, organisation=org)
    open_req = make_request(org, officer)
    with pytest.raises(DomainError, match="不能进行此操作"):
        services.request_close(actor=officer, request=open_req, today=TODAY)
    req = replied(org, officer)
    with pytest.raises(DomainError, match="不能早于答复日期"):
        services.request_close(actor=officer, request=req, on=D(2025, 10, 19), today=TODAY)
    req = services.request_close(actor=officer, request=req, on=D(2025, 10, 21), today=TODAY)
    assert (req.status, req.result_code, req.replied_on) == (
        RequestStatus.CLOSED,
        ResultCode.DISCLOSED,
        D(2025, 10, 20),
    )
    assert req.events.filter(kind=EventKind.CLOSED).exists()
    item = services.request_release_to_item(actor=officer, request=req, today=TODAY)
    assert item.organisation_id == org.pk


def test_the_desk_offers_closing_after_the_reply() -> None:
    org, officer, _ = desk()
    req = replied(org, officer)
    client = login(officer)
    assert "办结归档" in client.get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    req.refresh_from_db()
    done = client.post(
        reverse("disclosure_requests:desk_close", args=[req.pk]),
        {"close-version": req.version, "close-on": "2025-10-21"},
    )
    assert done.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED


# --- ledger export: text that looks like a formula stays text ----------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_description_that_looks_like_a_formula_is_exported_as_text_and_round_trips(fmt: str, tmp_path: Path) -> None:
    org, officer, _ = desk()
    text = '=HYPERLINK("http://evil.example/","点击")'
    make_request(org, officer, description=text)
    make_request(org, officer, description="+86 电话簿")
    path = tmp_path / f"台账.{fmt}"
    path.write_bytes(ledger.export_file(org, fmt))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).worksheets[0]
        cell = sheet.cell(row=2, column=5)
        assert cell.data_type == "s" and cell.value == text
    else:
        raw = path.read_text(encoding="utf-8-sig")
        assert "\"'=HYPERLINK" in raw and ",'+86 电话簿," in raw
        assert ',"=HYPERLINK' not in raw
    target, target_officer, _ = desk("目标局")
    result = ledger.ledger_import(actor=target_officer, organisation=target, table=ledger.read_table(path), today=TODAY)
    assert result.created == 2
    assert sorted(
        DisclosureRequest.objects.filter(organisation=target).values_list("description", flat=True)
    ) == sorted([text, "+86 电话簿"])


# --- privacy: requests never reach the search index or the assistant -----------------------------


def test_the_search_index_and_the_assistant_never_read_requests() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("search", "assistant")
        for path in (root / package).rglob("*.py")
        if "/tests/" not in str(path)
        and re.search(r"gongkai\.requests|DisclosureRequest|disclosure_requests|RequestAttachment", path.read_text())
    ]
    assert offenders == []


def test_the_desk_shows_how_the_due_date_came_about() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    services.request_extend(
        actor=head, request=req, days=5, approved_on=D(2025, 10, 20), reason="涉及多个科室", today=TODAY
    )
    page = login(officer).get(reverse("disclosure_requests:desk_detail", args=[req.pk])).content.decode()
    assert "期限计算过程" in page
    assert "依据条例第三十三条第一款，自收到申请之日（2025-09-25）起20个工作日内答复：2025-10-29" in page
    assert "依据条例第三十三条第二款" in page and "延长答复期限5个工作日：2025-11-05" in page


# --- template upload: a document that unpacks huge is refused before it is parsed ------------


def test_a_docx_that_unpacks_too_large_is_refused() -> None:
    import io
    import zipfile

    from gongkai.requests import letters

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (letters.MAX_DOCX_UNPACKED_BYTES + 1))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small on the wire
    with pytest.raises(letters.LetterError, match="解压后超过"):
        letters.check_docx(data)


def test_a_reimported_ledger_row_moves_a_review_from_pending_to_upheld(tmp_path: Path) -> None:
    org, officer, _ = desk()
    req = replied(org, officer)
    review = services.review_record_add(actor=officer, request=req, kind=ReviewKind.RECONSIDERATION)
    path = tmp_path / "台账.csv"
    path.write_bytes(ledger.export_file(org, "csv"))
    text = path.read_text(encoding="utf-8-sig")
    assert ",行政复议,尚未审结" in text
    path.write_text(text.replace(",行政复议,尚未审结", ",行政复议,维持"), encoding="utf-8-sig")
    result = ledger.ledger_import(actor=officer, organisation=org, table=ledger.read_table(path), today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    review.refresh_from_db()
    req.refresh_from_db()
    assert review.outcome == ReviewOutcome.UPHELD
    assert req.status == RequestStatus.REPLIED and req.reviews.count() == 1


def test_an_auditor_downloads_the_requester_s_attachment_read_only() -> None:
    from .factories import submit_online, upload

    org, _officer, _ = desk()
    req, _ = submit_online(org, attachments=[upload()])
    attachment = req.attachments.get()
    url = reverse("disclosure_requests:desk_attachment", args=[req.pk, attachment.pk])
    auditor = make_user(org=org, role=Role.AUDIT_ADMIN)
    response = login(auditor).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    outsider = make_user(org=make_org("另一机关"), role=Role.AUDIT_ADMIN)
    assert login(outsider).get(url).status_code == 404


def test_the_third_party_letter_names_the_consultation_s_15_working_day_date() -> None:
    from gongkai.requests import letter_services
    from gongkai.requests.models import LetterKind

    from .test_letters import letter_docx_text

    req, officer = _paused(PauseKind.THIRD_PARTY)
    letter = letter_services.letter_issue(
        actor=officer,
        request=req,
        kind=LetterKind.THIRD_PARTY,
        extra={"third_party_name": "达州某某建设有限公司"},
        today=TODAY,
    )
    assert "2025年10月23日" in letter_docx_text(letter)


# --- extension while a consultation is under way ---------------------------------------------------


def test_an_extension_during_a_long_consultation_uses_the_current_due_date() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)  # received 2025-09-25, due 2025-10-29
    req = services.request_pause(
        actor=officer, request=req, kind=PauseKind.OTHER_BODY, started_on=D(2025, 10, 20), today=D(2025, 10, 20)
    )
    assert req.due_on == D(2025, 10, 30)  # as computed on the day the consultation began
    # Three weeks later the consultation is still running: the clock has not run out.
    req = services.request_extend(
        actor=head, request=req, days=10, approved_on=D(2025, 11, 10), reason="涉及多个部门", today=D(2025, 11, 10)
    )
    assert req.extended
    # 2025-10-29 + 10 working days (extension) → 11-12, + 16 working days paused (10-20 … 11-10)
    assert req.due_on == D(2025, 12, 4)


def test_the_inbox_sends_an_auditor_to_the_list() -> None:
    org, _officer, _ = desk()
    auditor = make_user(org=org, role=Role.AUDIT_ADMIN)
    response = login(auditor).get(reverse("disclosure_requests:desk_inbox"))
    assert response.status_code == 302 and response["Location"] == reverse("disclosure_requests:desk_list")
