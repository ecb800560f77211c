"""The publication gate: submitting, publishing and emergency publishing run the
screening; blocking findings stop the transition unless a reviewer overrides them."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import serializers

from gongkai.core import services as core_services
from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Notification, Organisation
from gongkai.core.tests.fixtures import Tree
from gongkai.demo.workflow_states import BODY as DEMO_BODY
from gongkai.publishing import services
from gongkai.publishing.models import InfoItem, ItemState
from gongkai.publishing.tests.factories import Desk, approve_all, draft
from gongkai.screening import services as screening
from gongkai.screening.gate import ScreeningBlocked
from gongkai.screening.models import (
    FindingOverride,
    ScreenedContent,
    ScreeningFinding,
    ScreeningRun,
    ScreeningSweep,
)
from gongkai.screening.tests.factories import (
    ID,
    ID_MASKED,
    attach,
    body_with_id,
    clean_xlsx,
    corrupt_pdf,
    encrypted_pdf,
    xlsx_with_hidden_id,
)


def fresh(item: InfoItem) -> InfoItem:
    return InfoItem.objects.get(pk=item.pk)


def blocking_prints(item: InfoItem) -> list[str]:
    return [
        f.fingerprint for f in ScreeningFinding.objects.filter(item=item, resolved_at__isnull=True) if f.is_blocking
    ]


def override_all(desk: Desk, item: InfoItem, reason: str = "已人工核实") -> None:
    for fingerprint in dict.fromkeys(blocking_prints(item)):
        screening.finding_override(actor=desk.first, item=item, fingerprint=fingerprint, reason=reason)


# --- blocking -----------------------------------------------------------------------------


def test_an_id_number_in_the_body_stops_submission_with_its_place(desk: Desk) -> None:
    item = draft(desk, "关于2026年低保对象的公示", body_html=body_with_id())
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_submit(actor=desk.editor, item=item)
    message = str(caught.value)
    assert "不能提交审核" in message
    assert f"身份证号码 {ID_MASKED}（正文第2段）" in message
    assert "姓名 张*（正文第2段）" in message
    assert ID not in message
    assert {f.kind for f in caught.value.findings} == {"id_card", "name"}
    assert fresh(item).state == ItemState.DRAFT
    assert not AuditRecord.objects.filter(action="item.submit").exists()
    # The findings stay recorded for the reviewers although the transition was refused.
    stored = ScreeningFinding.objects.get(item=item, kind="id_card")
    assert stored.value_masked == ID_MASKED and stored.location == "body paragraph 2"
    assert stored.severity == "block" and stored.is_blocking and stored.resolved_at is None
    assert ScreeningRun.objects.filter(item=item, trigger="submit", actor=desk.editor, blocking=2).exists()


def test_an_id_number_on_a_hidden_sheet_stops_submission(desk: Desk, media: Path) -> None:
    item = draft(desk, "2026年临时救助发放名单")
    attach(desk, item, "救助名单.xlsx", xlsx_with_hidden_id())
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_submit(actor=desk.editor, item=item)
    assert f"身份证号码 {ID_MASKED}（附件“救助名单.xlsx”工作表“备用”B2单元格（隐藏工作表））" in str(caught.value)
    finding = ScreeningFinding.objects.get(item=item, kind="id_card")
    assert finding.attachment is not None and finding.attachment_name == "救助名单.xlsx"
    assert finding.location == "备用!B2 (hidden sheet)"


def test_emergency_publication_is_stopped_too(desk: Desk, media: Path) -> None:
    item = draft(desk, "暴雨受灾群众临时安置名单", body_html=body_with_id())
    attach(desk, item, "安置名单.xlsx", xlsx_with_hidden_id())
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_emergency_publish(actor=desk.final, item=item, reason="汛情紧急")
    message = str(caught.value)
    assert "不能紧急发布" in message and "正文第2段" in message and "附件“安置名单.xlsx”" in message
    assert not fresh(item).is_live


def test_publishing_screens_again_with_the_rules_of_the_day(desk: Desk, tree: Tree) -> None:
    item = approve_all(desk, draft(desk, "关于国家旅游局来我区调研的通报"))
    assert fresh(item).state == ItemState.APPROVED
    # While the item waited for publication, a platform administrator made the old
    # name a blocking wording rule: the content is screened again and refused.
    screening.wording_rule_save(
        actor=tree.sysadmin, term="国家旅游局", category="serious_error", severity="block", suggestion="文化和旅游部"
    )
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_publish(actor=desk.final, item=item)
    assert "不能发布" in str(caught.value) and "表述问题 国家旅游局（标题第1段）" in str(caught.value)
    assert not fresh(item).is_live and fresh(item).index_number is None


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [("加密.pdf", encrypted_pdf(), "unscreenable.encrypted"), ("损坏.pdf", corrupt_pdf(), "unscreenable.corrupt")],
)
def test_a_file_that_cannot_be_screened_blocks(desk: Desk, media: Path, name: str, data: bytes, rule: str) -> None:
    item = draft(desk)
    attach(desk, item, name, data)
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_submit(actor=desk.editor, item=item)
    assert f"附件“{name}”无法审查" in str(caught.value)
    assert [f.rule for f in caught.value.findings] == [rule]


# --- warnings -------------------------------------------------------------------------------


def test_warnings_are_recorded_and_do_not_block(desk: Desk) -> None:
    body = "<p>联系人：区民政局社会救助股，电话：0818-2371234，邮箱：jiuzhu@dachuan.example.cn。</p>"
    item = draft(desk, body_html=body)
    services.item_submit(actor=desk.editor, item=item)
    assert fresh(item).state == ItemState.IN_REVIEW
    found = ScreeningFinding.objects.filter(item=item)
    assert {(f.kind, f.severity) for f in found} == {("landline", "warn"), ("email", "warn")}


def test_the_demo_body_with_the_bureaus_office_phone_only_warns(desk: Desk) -> None:
    item = draft(desk, body_html=DEMO_BODY)
    result = screening.screen_item(item)
    assert result.blocking == ()
    assert [(f.kind, f.value_masked) for f in result.warnings] == [("landline", "0818-***0000")]


def test_the_bodys_own_published_phone_is_not_flagged(desk: Desk) -> None:
    Organisation.objects.filter(pk=desk.org.pk).update(phone="0818-2371234")
    item = draft(desk, body_html="<p>咨询电话：0818-2371234。</p>")
    assert screening.screen_item(fresh(item)).findings == ()


# --- overrides ------------------------------------------------------------------------------


def test_a_reviewer_overrides_with_a_reason_and_it_is_audited(desk: Desk, media: Path) -> None:
    item = draft(desk, "2026年临时救助发放名单", body_html=body_with_id())
    attach(desk, item, "救助名单.xlsx", xlsx_with_hidden_id())
    with pytest.raises(ScreeningBlocked):
        services.item_submit(actor=desk.editor, item=item)
    prints = list(dict.fromkeys(blocking_prints(item)))
    assert len(prints) == 4  # name and number, in the body and on the hidden sheet
    override_all(desk, item, reason="本人同意公开，已取得书面授权")

    records = AuditRecord.objects.filter(action="screening.override")
    assert records.count() == 4
    record = records.get(changes__kind="id_card", changes__attachment="")
    assert record.actor == desk.first and record.role == "reviewer_first"
    assert record.changes["reason"] == "本人同意公开，已取得书面授权"
    assert record.changes["value_masked"] == ID_MASKED and record.changes["location"] == "body paragraph 2"

    services.item_submit(actor=desk.editor, item=item)
    assert fresh(item).state == ItemState.IN_REVIEW
    services.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    services.item_review(actor=desk.second, item=item, approve=True)
    services.item_review(actor=desk.final, item=item, approve=True)
    # The overrides hold for the same findings on the later screening at publication.
    services.item_publish(actor=desk.final, item=item)
    assert fresh(item).is_live
    assert ScreeningRun.objects.filter(item=item, trigger="publish", blocking=0).exists()


def test_an_override_holds_only_for_that_finding(desk: Desk) -> None:
    item = draft(desk, body_html=body_with_id())
    with pytest.raises(ScreeningBlocked):
        services.item_submit(actor=desk.editor, item=item)
    override_all(desk, item)
    services.item_update(actor=desk.editor, item=item, body_html=body_with_id() + "<p>另：李四，13812345678。</p>")
    with pytest.raises(ScreeningBlocked) as caught:
        services.item_submit(actor=desk.editor, item=item)
    assert {f.kind for f in caught.value.findings} == {"mobile", "name"}
    assert "138****5678" in str(caught.value) and ID_MASKED not in str(caught.value)


def test_the_drafter_and_people_without_a_review_role_cannot_override(desk: Desk, tree: Tree) -> None:
    item = draft(desk, body_html=body_with_id())
    with pytest.raises(ScreeningBlocked):
        services.item_submit(actor=desk.editor, item=item)
    fingerprint = blocking_prints(item)[0]
    with pytest.raises(NotPermitted, match="审核人员"):
        screening.finding_override(actor=desk.editor, item=item, fingerprint=fingerprint, reason="我确认")
    with pytest.raises(NotPermitted, match="审核人员"):
        screening.finding_override(actor=tree.dc_officer, item=item, fingerprint=fingerprint, reason="我确认")
    with pytest.raises(DomainError, match="须写明理由"):
        screening.finding_override(actor=desk.first, item=item, fingerprint=fingerprint, reason="   ")
    with pytest.raises(DomainError, match="没有这项"):
        screening.finding_override(actor=desk.first, item=item, fingerprint="0" * 64, reason="已核实")
    assert not FindingOverride.objects.exists()
    assert not AuditRecord.objects.filter(action="screening.override").exists()


def test_a_reviewer_who_drafted_the_item_cannot_override(desk: Desk) -> None:
    # The final reviewer, also an editor, drafts an urgent notice: refused like any drafter.
    core_services.role_grant(actor=None, user=desk.final, organisation=desk.org, role="editor")
    item = services.item_create(
        actor=desk.final, organisation=desk.org, column=desk.column, title="紧急通知", formed_on=date(2026, 3, 2),
        body_html=body_with_id(),
    )  # fmt: skip
    with pytest.raises(ScreeningBlocked):
        services.item_emergency_publish(actor=desk.final, item=item, reason="紧急")
    with pytest.raises(NotPermitted, match="自己起草"):
        screening.finding_override(actor=desk.final, item=item, fingerprint=blocking_prints(item)[0], reason="紧急")


# --- content changes ----------------------------------------------------------------------


def test_editing_the_leak_away_resolves_the_findings(desk: Desk) -> None:
    item = draft(desk, body_html=body_with_id())
    with pytest.raises(ScreeningBlocked):
        services.item_submit(actor=desk.editor, item=item)
    services.item_update(actor=desk.editor, item=item, body_html="<p>经审核，张某符合条件。</p>")
    services.item_submit(actor=desk.editor, item=item)
    assert fresh(item).state == ItemState.IN_REVIEW
    assert not ScreeningFinding.objects.filter(item=item, resolved_at__isnull=True).exists()
    assert ScreeningFinding.objects.filter(item=item, kind="id_card", resolved_at__isnull=False).exists()


def test_unchanged_content_is_not_screened_twice(desk: Desk, media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    item = draft(desk)
    attach(desk, item, "项目表.xlsx", clean_xlsx())
    calls: list[str] = []
    real = screening._screen_attachment

    def counting(attachment: Any, context: Any) -> Any:
        calls.append(attachment.original_name)
        return real(attachment, context)

    monkeypatch.setattr(screening, "_screen_attachment", counting)
    approve_all(desk, item)
    services.item_publish(actor=desk.final, item=item)
    assert calls == ["项目表.xlsx"]  # submit read it; publish reused the stored result
    runs = list(ScreeningRun.objects.filter(item=item).order_by("id").values_list("trigger", "parts_screened"))
    assert runs == [("submit", 2), ("publish", 0)]
    contents = ScreenedContent.objects.filter(item=item)
    assert all(c.is_working and c.is_live for c in contents)


# --- never the clear value ----------------------------------------------------------------


def test_no_clear_value_is_stored_anywhere(desk: Desk, media: Path) -> None:
    item = draft(desk, "2026年临时救助发放名单", body_html=body_with_id())
    attach(desk, item, "救助名单.xlsx", xlsx_with_hidden_id())
    with pytest.raises(ScreeningBlocked):
        services.item_submit(actor=desk.editor, item=item)
    override_all(desk, item)
    services.item_submit(actor=desk.editor, item=item)
    screening.sweep_run()
    dumped = serializers.serialize(
        "json",
        [
            *ScreenedContent.objects.all(),
            *ScreeningFinding.objects.all(),
            *FindingOverride.objects.all(),
            *ScreeningRun.objects.all(),
            *ScreeningSweep.objects.all(),
            *AuditRecord.objects.all(),
            *Notification.objects.all(),
        ],
    )
    assert ScreeningFinding.objects.filter(kind="id_card").count() == 2
    assert ID_MASKED in dumped
    assert ID not in dumped
