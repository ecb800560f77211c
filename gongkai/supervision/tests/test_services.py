"""The writes: who may report, return, accept, resolve, score and carry over; the audit
records and notifications they leave; reminders sent once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import AuditRecord, Notification
from gongkai.publishing.tests.factories import draft, make_desk, published
from gongkai.supervision import selectors, services
from gongkai.supervision.annex import interpret, read_text
from gongkai.supervision.models import Evidence, Reminder, ReportState, Task, TaskPlan, TaskUnit
from gongkai.supervision.status import UnitStatus

from .factories import Dazhou

LINK = "https://www.dazhou.gov.cn/gk/shuangjian"


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def unit_of(plan: TaskPlan, seq: int, short_name: str) -> TaskUnit:
    return TaskUnit.objects.select_related("task", "task__plan", "organisation").get(
        task__plan=plan, task__seq=seq, organisation__short_name=short_name
    )


def status_on(unit: TaskUnit, day: dt.date) -> UnitStatus:
    return selectors.status_of(unit, list(unit.reports.all()), day).status


def test_a_unit_reports_with_evidence_and_the_office_is_notified(
    dazhou: Dazhou, plan: TaskPlan, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    unit = unit_of(plan, 10, "市教育局")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(
            actor=dazhou.edu_editor,
            task_unit=unit,
            text="已公开“双减”政策文件。",
            percent=100,
            urls=[LINK],
            files=[SimpleUploadedFile("佐证.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")],
            submitted_at=at(dt.date(2022, 9, 20)),
        )
    assert report.completed and report.state == ReportState.SUBMITTED
    assert sorted(e.url or e.title for e in Evidence.objects.filter(report=report)) == [LINK, "佐证.pdf"]
    record = AuditRecord.objects.get(action="supervision.report_submit")
    assert (record.actor, record.organisation, record.changes["task"]) == (dazhou.edu_editor, unit.organisation, 10)
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"city_officer", "office_head"}
    assert status_on(unit, dt.date(2022, 11, 1)) == UnitStatus.DONE


def test_a_published_item_is_evidence_and_a_draft_is_not(dazhou: Dazhou, plan: TaskPlan) -> None:
    desk = make_desk(dazhou.org("市教育局"), "jyj")
    item = published(desk, "达州市教育局关于落实“双减”政策的公告")
    unit = unit_of(plan, 10, "市教育局")
    report = services.report_submit(
        actor=dazhou.edu_editor, task_unit=unit, text="已公开。", completed=True, items=[item]
    )
    assert report.evidence.get().item == item
    with pytest.raises(DomainError, match="尚未发布"):
        services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="草稿。", items=[draft(desk, "草稿")])


@pytest.mark.parametrize("who", ["outsider", "supervisor", "dc_editor"])
def test_only_the_units_own_staff_report(dazhou: Dazhou, plan: TaskPlan, who: str) -> None:
    unit = unit_of(plan, 10, "市教育局")
    with pytest.raises(NotPermitted, match="不能报送该单位的任务进展"):
        services.report_submit(actor=getattr(dazhou, who), task_unit=unit, text="进展。")


def test_completion_needs_evidence_and_sane_values(dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    with pytest.raises(DomainError, match="须附佐证材料"):
        services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="完成了。", completed=True)
    with pytest.raises(DomainError, match="0 到 100"):
        services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="进展。", percent=120)
    with pytest.raises(DomainError, match="不是有效的网址"):
        services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="进展。", urls=["javascript:alert(1)"])
    with pytest.raises(DomainError, match="类型不支持"):
        services.report_submit(
            actor=dazhou.edu_editor, task_unit=unit, text="进展。", files=[SimpleUploadedFile("x.exe", b"MZ")]
        )
    assert not unit.reports.exists()


def test_the_office_returns_a_report_for_more_evidence(
    dazhou: Dazhou, plan: TaskPlan, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    unit = unit_of(plan, 10, "市教育局")
    report = services.report_submit(
        actor=dazhou.edu_editor, task_unit=unit, text="已完成。", completed=True, urls=[LINK],
        submitted_at=at(dt.date(2022, 9, 20)),
    )  # fmt: skip
    with pytest.raises(NotPermitted):
        services.report_return(actor=dazhou.supervisor, report=report, comment="请补充。")
    with pytest.raises(DomainError, match="退回理由"):
        services.report_return(actor=dazhou.officer, report=report, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=dazhou.officer, report=report, comment="链接无法打开，请补充公开页面。")
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReportState.RETURNED, dazhou.officer)
    assert Notification.objects.filter(user=dazhou.edu_editor, message__contains="被退回").exists()
    assert AuditRecord.objects.filter(action="supervision.report_return", actor=dazhou.officer).exists()
    # A returned report no longer counts: the task is overdue after its date.
    assert status_on(unit, dt.date(2022, 11, 1)) == UnitStatus.OVERDUE
    with pytest.raises(DomainError, match="已经退回"):
        services.report_return(actor=dazhou.head, report=report, comment="再次退回。")
    with pytest.raises(DomainError, match="待审核"):
        services.report_accept(actor=dazhou.head, report=report)


def test_the_office_accepts_but_never_its_own_report(dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    report = services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="进展。", percent=40)
    services.report_accept(actor=dazhou.head, report=report)
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    # The city government's office reports on its own task (市政府办公室, task 64) and cannot accept it.
    own = unit_of(plan, 64, "市政府办公室")
    own_report = services.report_submit(actor=dazhou.head, task_unit=own, text="已研究部署。", percent=50)
    with pytest.raises(DomainError, match="自己报送"):
        services.report_accept(actor=dazhou.head, report=own_report)


def test_a_flagged_unit_is_resolved_by_the_office(dazhou: Dazhou, plan: TaskPlan) -> None:
    flagged = TaskUnit.objects.get(task__plan=plan, task__seq=25, flagged=True)
    assert flagged.name == "被审计市级部门（单位）"
    with pytest.raises(DomainError, match="尚待公开办确认"):
        services.report_submit(actor=dazhou.officer, task_unit=flagged, text="进展。")
    with pytest.raises(NotPermitted):
        services.task_unit_resolve(actor=dazhou.edu_editor, task_unit=flagged, organisations=[dazhou.org("市教育局")])
    # 市审计局 is already a unit of the task and is not added twice.
    created = services.task_unit_resolve(
        actor=dazhou.officer, task_unit=flagged, organisations=[dazhou.org("市教育局"), dazhou.org("市审计局")]
    )
    assert [u.name for u in created] == ["市教育局"]
    task = Task.objects.get(plan=plan, seq=25)
    assert not task.units.filter(flagged=True).exists()
    assert task.units.get(organisation=dazhou.org("市教育局")).source == "被审计市级部门（单位）"


def test_reminders_are_sent_once_before_the_deadline(
    dazhou: Dazhou, plan: TaskPlan, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    finished = unit_of(plan, 10, "市教育局")
    services.report_submit(
        actor=dazhou.edu_editor, task_unit=finished, text="已完成。", completed=True, urls=[LINK],
        submitted_at=at(dt.date(2022, 10, 20)),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.reminders_send(today=dt.date(2022, 10, 25))
    assert outcome.sent == Reminder.objects.count() > 0
    # Due on 30 October: reminded unless finished.
    assert Reminder.objects.filter(
        task_unit=unit_of(plan, 4, "市财政局"), kind="due_soon", period="2022-10-30"
    ).exists()
    assert not Reminder.objects.filter(task_unit=finished).exists()
    # Past its date (30 August) and not done: overdue, once.
    assert Reminder.objects.filter(
        task_unit=unit_of(plan, 14, "市教育局"), kind="overdue", period="2022-08-30"
    ).exists()
    assert Notification.objects.filter(user=dazhou.edu_editor, message__contains="已超过完成时限 2022-08-30").exists()
    assert services.reminders_send(today=dt.date(2022, 10, 25)).sent == 0
    assert AuditRecord.objects.filter(action="supervision.reminders_send").count() == 1

    # Monthly tasks in the last days of the month: only the units without a report this month.
    reported = unit_of(plan, 30, "达川区")
    services.report_submit(
        actor=dazhou.dc_editor, task_unit=reported, text="11月已落实。", submitted_at=at(dt.date(2022, 11, 10))
    )
    services.reminders_send(today=dt.date(2022, 11, 28))
    monthly = Reminder.objects.filter(kind="monthly", period="2022-11")
    assert monthly.filter(task_unit=unit_of(plan, 30, "通川区")).exists()
    assert not monthly.filter(task_unit=reported).exists()


def test_carry_over_takes_only_the_unfinished_units_once(dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    services.report_submit(
        actor=dazhou.edu_editor, task_unit=unit, text="已完成。", completed=True, urls=[LINK],
        submitted_at=at(dt.date(2022, 10, 1)),
    )  # fmt: skip
    with pytest.raises(DomainError, match="12月1日之后"):
        services.plan_carry_over(actor=dazhou.officer, plan=plan, as_of=dt.date(2022, 11, 1))
    with pytest.raises(NotPermitted):
        services.plan_carry_over(actor=dazhou.supervisor, plan=plan, as_of=dt.date(2023, 1, 5))
    result = services.plan_carry_over(actor=dazhou.officer, plan=plan, as_of=dt.date(2023, 1, 5))
    assert result.tasks == 71
    target = result.plan
    assert (target.year, target.carried_from) == (2023, plan)
    carried10 = target.tasks.get(carried_from__seq=10)
    assert "市教育局" not in set(carried10.units.values_list("name", flat=True))
    assert carried10.units.count() == 9
    assert carried10.due_on == dt.date(2023, 10, 30)
    # Flagged class units are the office's to resolve, never carried as rows.
    assert not TaskUnit.objects.filter(task__plan=target, organisation=None).exists()
    again = services.plan_carry_over(actor=dazhou.officer, plan=plan, as_of=dt.date(2023, 1, 5))
    assert (again.plan, again.tasks) == (target, 0)
    assert all(e.carried for e in selectors.lookback(plan, as_of=dt.date(2023, 1, 5)))


def test_scoring_scheme_changes_the_scores(dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    services.report_submit(
        actor=dazhou.edu_editor, task_unit=unit, text="已完成。", completed=True, urls=[LINK],
        submitted_at=at(dt.date(2022, 10, 1)),
    )  # fmt: skip
    day = dt.date(2023, 1, 5)
    before = {r.label: r.score for r in selectors.plan_scores(plan, today=day)}
    edu = before["市教育局"]
    assert (
        edu.done == 1
        and edu.tasks == TaskUnit.objects.filter(task__plan=plan, organisation__short_name="市教育局").count()
    )
    with pytest.raises(NotPermitted):
        services.scoring_update(
            actor=dazhou.supervisor, plan=plan, full_score=Decimal(100), overdue_deduction=Decimal(0),
            returned_deduction=Decimal(0), group_weights={},
        )  # fmt: skip
    services.scoring_update(
        actor=dazhou.officer, plan=plan, full_score=Decimal(100), overdue_deduction=Decimal(0),
        returned_deduction=Decimal(0), group_weights={1: Decimal(1)}, task_weights={10: Decimal(100)},
    )  # fmt: skip
    after = {r.label: r.score for r in selectors.plan_scores(plan, today=day)}
    assert after["市教育局"].score > Decimal(50) > before["市教育局"].score
    assert after["市财政局"].score == Decimal("0.00")
    assert AuditRecord.objects.filter(action="supervision.scoring_update").exists()


def test_an_import_with_errors_writes_nothing(dazhou: Dazhou) -> None:
    parsed = interpret(
        read_text("序号\t工作任务\t重点工作任务\t责任单位\t完成时限\n1\t组\t任务\t市宇宙局\t10月30日前\n"),
        year=2022,
        directory=selectors.unit_directory(dazhou.office),
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.plan_import(actor=None, parsed=parsed, issuer=dazhou.office, year=2022)
    assert [str(p) for p in refused.value.problems] == ["第2行：责任单位“市宇宙局”没有对应的机构。"]
    assert not TaskPlan.objects.exists()
    with pytest.raises(NotPermitted):
        services.plan_import(actor=dazhou.edu_editor, parsed=parsed, issuer=dazhou.office, year=2022)


def test_reminders_count_working_days(dazhou: Dazhou, plan: TaskPlan) -> None:
    # From Thursday 20 October 2022, 30 October is six working days away: not yet.
    services.reminders_send(today=dt.date(2022, 10, 20))
    assert not Reminder.objects.filter(kind="due_soon", period="2022-10-30").exists()
    # From Monday 24 October it is four (25–28 October): reminded.
    services.reminders_send(today=dt.date(2022, 10, 24))
    assert Reminder.objects.filter(kind="due_soon", period="2022-10-30").exists()
