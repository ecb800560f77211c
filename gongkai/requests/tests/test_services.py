"""Every rule of the request services, driven through the services themselves.

Dates come from the official 2025 schedule (2025-09-28 and 2025-10-11 are make-up working
days, 2025-10-01 to 10-08 holidays): received 2025-09-25 → due 2025-10-29.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Role
from gongkai.core.tests.factories import make_user
from gongkai.requests import services
from gongkai.requests.models import (
    Channel,
    DisclosureRequest,
    EventKind,
    IdType,
    PauseKind,
    RequesterType,
    RequestStatus,
    ResultCode,
    ReviewKind,
    ReviewOutcome,
)

from .factories import ID, TODAY, desk, make_request

D = dt.date
SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


# --- registration ----------------------------------------------------------------------


def test_register_by_letter_takes_the_signing_date_and_computes_the_due_date() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    assert req.received_on == D(2025, 9, 25)
    assert req.due_on == D(2025, 10, 29)
    assert not req.due_provisional
    assert req.status == RequestStatus.REGISTERED
    assert req.number == "2025-0001"
    assert make_request(org, officer).number == "2025-0002"
    assert len(req.tracking_code) >= 20
    assert req.tracking_code != make_request(org, officer).tracking_code
    record = AuditRecord.objects.filter(action="request.register").latest("seq")
    assert record.actor == officer
    assert ID not in str(record.changes)  # no personal data in the trail


def test_receipt_day_follows_article_31_per_channel() -> None:
    org, officer, _ = desk()
    handed_in = dt.datetime(2025, 9, 26, 23, 30, tzinfo=SH)
    assert make_request(org, officer, channel=Channel.IN_PERSON, submitted_at=handed_in).received_on == D(2025, 9, 26)
    assert make_request(org, officer, channel=Channel.FAX, confirmed_on=D(2025, 9, 29)).received_on == D(2025, 9, 29)
    ordinary_letter = make_request(org, officer, signed_on=None, confirmed_on=D(2025, 9, 30))
    assert ordinary_letter.received_on == D(2025, 9, 30)
    with pytest.raises(DomainError, match="双方确认之日"):
        make_request(org, officer, channel=Channel.EMAIL)
    with pytest.raises(DomainError, match="提交时间"):
        make_request(org, officer, channel=Channel.IN_PERSON)


def test_staff_cannot_register_an_online_request() -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match="网上申请"):
        make_request(org, officer, channel=Channel.ONLINE, confirmed_on=D(2025, 9, 25))


def test_receipt_date_in_the_future_is_refused() -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match="不能晚于今天"):
        make_request(org, officer, received_on=TODAY + dt.timedelta(days=1))
    assert not DisclosureRequest.objects.filter(organisation=org).exists()


@pytest.mark.parametrize("number", ["511702199001011230", "511702199013011234", "99170219900101123X", "12345"])
def test_invalid_id_number_is_refused(number: str) -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match="居民身份证号码"):
        make_request(org, officer, id_number=number)


def test_passport_numbers_are_not_checked_as_id_cards() -> None:
    org, officer, _ = desk()
    assert make_request(org, officer, id_type=IdType.PASSPORT, id_number="E12345678").id_number == "E12345678"


def test_register_needs_contact_name_description_and_permission() -> None:
    org, officer, _ = desk()
    with pytest.raises(DomainError, match="联系方式"):
        make_request(org, officer, phone="", email="", address="")
    with pytest.raises(DomainError, match="姓名"):
        make_request(org, officer, requester_name=" ")
    with pytest.raises(DomainError, match="申请人类型"):
        make_request(org, officer, requester_type="citizen")
    _other, other_officer, _ = desk()
    with pytest.raises(NotPermitted):
        make_request(org, other_officer)
    make_request(org, officer, number="A-1")
    with pytest.raises(DomainError, match="已存在"):
        make_request(org, officer, number="A-1")


def test_masked_shows_requester_data_masked() -> None:
    org, officer, _ = desk()
    shown = make_request(org, officer).masked()
    assert shown["requester_name"] == "张*三"
    assert shown["id_number"] == "5117**********" + ID[-4:]
    assert "12345678" not in shown["phone"]
    assert shown["email"] != "zhang@example.cn"
    assert "凤凰大道100号" not in shown["address"]


# --- correction ------------------------------------------------------------------------


def test_correction_restarts_the_period_from_the_corrected_request() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_ask_correction(
        actor=officer,
        request=req,
        asked_on=D(2025, 9, 26),
        what="写明名称",
        respond_by=D(2025, 10, 17),
        today=TODAY,
    )
    assert req.status == RequestStatus.CORRECTION_REQUESTED
    req = services.request_correction_received(actor=officer, request=req, received_on=D(2025, 10, 9), today=TODAY)
    assert req.status == RequestStatus.IN_HANDLING
    assert req.due_on == D(2025, 11, 5)
    with pytest.raises(DomainError, match="只能要求一次"):
        services.request_ask_correction(
            actor=officer, request=req, asked_on=D(2025, 10, 10), what="再补", respond_by=D(2025, 10, 20), today=TODAY
        )


def test_late_correction_notice_needs_a_reason_which_is_recorded() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    # 7 working days after 2025-09-25 is 2025-10-11 (a make-up working Saturday).
    ok = services.request_ask_correction(
        actor=officer, request=req, asked_on=D(2025, 10, 11), what="补充文号", respond_by=D(2025, 10, 20), today=TODAY
    )
    assert ok.status == RequestStatus.CORRECTION_REQUESTED
    late = make_request(org, officer)
    with pytest.raises(DomainError, match="7个工作日内（2025-10-11前）"):
        services.request_ask_correction(
            actor=officer,
            request=late,
            asked_on=D(2025, 10, 13),
            what="补充文号",
            respond_by=D(2025, 10, 20),
            today=TODAY,
        )
    late = services.request_ask_correction(
        actor=officer,
        request=late,
        asked_on=D(2025, 10, 13),
        what="补充文号",
        respond_by=D(2025, 10, 20),
        late_reason="经办人病假",
        today=TODAY,
    )
    event = late.events.get(kind=EventKind.CORRECTION_REQUESTED)
    assert "经办人病假" in event.note
    assert (
        AuditRecord.objects.filter(action="request.ask_correction").latest("seq").changes["late_reason"] == "经办人病假"
    )


def test_no_correction_in_time_is_abandoned_as_other_1() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_ask_correction(
        actor=officer, request=req, asked_on=D(2025, 9, 26), what="补充", respond_by=D(2025, 10, 17), today=TODAY
    )
    with pytest.raises(DomainError, match="尚未届满"):
        services.request_abandon(actor=officer, request=req, on=D(2025, 10, 17), today=TODAY)
    req = services.request_abandon(actor=officer, request=req, on=D(2025, 10, 20), today=TODAY)
    assert (req.status, req.result_code, req.replied_on) == (
        RequestStatus.ABANDONED,
        ResultCode.OTHER_1,
        D(2025, 10, 20),
    )


def test_correction_received_before_the_notice_is_refused() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_ask_correction(
        actor=officer, request=req, asked_on=D(2025, 9, 29), what="补充", respond_by=D(2025, 10, 17), today=TODAY
    )
    with pytest.raises(DomainError, match="不能早于补正通知日期"):
        services.request_correction_received(actor=officer, request=req, received_on=D(2025, 9, 28), today=TODAY)


# --- pauses, extension -----------------------------------------------------------------


def test_consultation_pause_moves_the_due_date_by_its_working_days() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_pause(
        actor=officer, request=req, kind=PauseKind.THIRD_PARTY, started_on=D(2025, 10, 13), today=TODAY
    )
    assert req.status == RequestStatus.PAUSED
    with pytest.raises(DomainError, match="征求意见"):
        services.request_reply(
            actor=officer, request=req, result_code=ResultCode.DISCLOSED, replied_on=D(2025, 10, 14), today=TODAY
        )
    req = services.request_resume(actor=officer, request=req, ended_on=D(2025, 10, 17), today=TODAY)
    assert req.status == RequestStatus.IN_HANDLING
    assert req.due_on == D(2025, 11, 5)  # 10-13 … 10-17: five working days not counted


def test_pause_after_the_period_ran_out_is_refused() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match="开始于答复期限"):
        services.request_pause(
            actor=officer, request=req, kind=PauseKind.OTHER_BODY, started_on=D(2025, 11, 3), today=TODAY
        )
    with pytest.raises(DomainError, match="未知的征求意见对象"):
        services.request_pause(actor=officer, request=req, kind="court", started_on=D(2025, 10, 13), today=TODAY)


def test_extension_by_the_office_head_once_and_at_most_20() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    with pytest.raises(NotPermitted):
        services.request_extend(
            actor=officer, request=req, days=20, approved_on=D(2025, 10, 28), reason="量大", today=TODAY
        )
    with pytest.raises(DomainError, match="1至20"):
        services.request_extend(
            actor=head, request=req, days=21, approved_on=D(2025, 10, 28), reason="量大", today=TODAY
        )
    req = services.request_extend(
        actor=head, request=req, days=20, approved_on=D(2025, 10, 28), reason="量大", today=TODAY
    )
    assert (req.extended, req.extension_days, req.due_on) == (True, 20, D(2025, 11, 26))
    with pytest.raises(DomainError, match="只能延长一次"):
        services.request_extend(
            actor=head, request=req, days=5, approved_on=D(2025, 10, 29), reason="再延", today=TODAY
        )


def test_extension_after_the_due_date_is_refused() -> None:
    org, _, head = desk()
    req = make_request(org, head)
    with pytest.raises(DomainError, match="已届满"):
        services.request_extend(
            actor=head, request=req, days=10, approved_on=D(2025, 10, 30), reason="量大", today=TODAY
        )


def test_correction_pause_and_extension_together() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    req = services.request_ask_correction(
        actor=officer, request=req, asked_on=D(2025, 9, 26), what="补充", respond_by=D(2025, 10, 17), today=TODAY
    )
    req = services.request_correction_received(actor=officer, request=req, received_on=D(2025, 10, 9), today=TODAY)
    req = services.request_pause(
        actor=officer, request=req, kind=PauseKind.OTHER_BODY, started_on=D(2025, 10, 20), today=TODAY
    )
    req = services.request_resume(actor=officer, request=req, ended_on=D(2025, 10, 24), today=TODAY)
    req = services.request_extend(
        actor=head, request=req, days=10, approved_on=D(2025, 11, 3), reason="复杂", today=TODAY
    )
    # 11-05 (after correction) + 10 (extension) = 11-19; + 5 paused working days = 11-26.
    assert req.due_on == D(2025, 11, 26)
    assert req.version == 6


# --- reply, withdrawal, review -----------------------------------------------------------


def test_reply_records_one_statutory_result() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_reply(
        actor=officer, request=req, result_code=ResultCode.PARTLY_DISCLOSED, replied_on=D(2025, 10, 20), today=TODAY
    )
    assert (req.status, req.result_code, req.replied_on) == (RequestStatus.REPLIED, "partly_disclosed", D(2025, 10, 20))
    with pytest.raises(DomainError, match="已答复"):
        services.request_reply(
            actor=officer, request=req, result_code=ResultCode.WITHHELD_4, replied_on=D(2025, 10, 21), today=TODAY
        )


@pytest.mark.parametrize(
    ("code", "replied_on", "message"),
    [
        ("withheld_9", D(2025, 10, 20), "未知的办理结果"),
        ("partly_disclosed+withheld_4", D(2025, 10, 20), "未知的办理结果"),
        ("other_1", D(2025, 10, 20), "视为放弃"),
        ("disclosed", D(2025, 9, 24), "不能早于收到申请之日"),
        ("disclosed", TODAY + dt.timedelta(days=1), "不能晚于今天"),
    ],
)
def test_bad_replies_are_refused(code: str, replied_on: dt.date, message: str) -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    with pytest.raises(DomainError, match=message):
        services.request_reply(actor=officer, request=req, result_code=code, replied_on=replied_on, today=TODAY)
    req.refresh_from_db()
    assert req.status == RequestStatus.REGISTERED
    assert not req.events.exists()


def test_withdrawal_and_review_records() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    req = services.request_withdraw(actor=officer, request=req, on=D(2025, 10, 1), today=TODAY)
    assert (req.status, req.result_code) == (RequestStatus.WITHDRAWN, ResultCode.OTHER_3)
    review = services.review_record_add(
        actor=officer, request=req, kind=ReviewKind.RECONSIDERATION, outcome=ReviewOutcome.UPHELD
    )
    assert str(review) == "行政复议（维持）"
    with pytest.raises(DomainError, match="复议诉讼类型"):
        services.review_record_add(actor=officer, request=req, kind="appeal")


def test_stale_version_is_refused() -> None:
    org, officer, head = desk()
    req = make_request(org, officer)
    seen = req.version
    services.request_extend(actor=head, request=req, days=5, approved_on=D(2025, 10, 9), reason="量大", today=TODAY)
    with pytest.raises(DomainError, match="已被他人修改"):
        services.request_reply(
            actor=officer,
            request=req,
            result_code=ResultCode.DISCLOSED,
            replied_on=D(2025, 10, 20),
            version=seen,
            today=TODAY,
        )


def test_a_user_without_a_desk_role_cannot_act() -> None:
    org, officer, _ = desk()
    req = make_request(org, officer)
    editor = make_user(org=org, role=Role.EDITOR)
    with pytest.raises(NotPermitted):
        services.request_withdraw(actor=editor, request=req, on=D(2025, 10, 1), today=TODAY)
    assert req.requester_type == RequesterType.NATURAL_PERSON
