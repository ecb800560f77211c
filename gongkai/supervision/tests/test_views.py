"""The staff pages: a unit's view shows only its tasks; the office and supervisors see the
plan; everyone else gets 404; the pages' query counts are pinned."""

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from gongkai.core import sitecache
from gongkai.core.models import User
from gongkai.supervision import services
from gongkai.supervision.models import Evidence, ProgressReport, ReportState, ScoringScheme, TaskPlan, TaskUnit

from .factories import Dazhou

LINK = "https://www.dazhou.gov.cn/gk/shuangjian"


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def frozen(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9, 30), tzinfo=timezone.get_current_timezone()), tick=False
    )


def unit_of(plan: TaskPlan, seq: int, short_name: str) -> TaskUnit:
    return TaskUnit.objects.select_related("task", "organisation").get(
        task__plan=plan, task__seq=seq, organisation__short_name=short_name
    )


def test_a_units_view_shows_only_its_tasks(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    edu = dazhou.org("市教育局")
    response = login(client, dazhou.edu_editor).get(reverse("supervision:my_tasks"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == TaskUnit.objects.filter(task__plan=plan, organisation=edu).count() > 0
    assert {r.unit.organisation_id for r in rows} == {edu.pk}
    page = response.content.decode()
    assert "落实教育“双规范”“双减”政策信息公开" in page  # task 10, 市教育局's
    assert "试点先行县要积极主动作为" not in page  # task 41, 达川区 and 万源市 only


def test_a_unit_cannot_look_at_another_units_tasks(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    login(client, dazhou.dc_editor)
    response = client.get(reverse("supervision:my_tasks"), {"unit": dazhou.org("市教育局").pk})
    assert {r.unit.organisation_id for r in response.context["rows"]} == {dazhou.org("达川区").pk}
    # A task of another unit answers 404; a shared task shows only the user's own row.
    assert client.get(reverse("supervision:task_detail", args=[plan.tasks.get(seq=36).pk])).status_code == 404
    shared = client.get(reverse("supervision:task_detail", args=[plan.tasks.get(seq=1).pk]))
    assert [r.unit.name for r in shared.context["rows"]] == ["达川区"]
    assert client.get(reverse("supervision:dashboard", args=[plan.pk])).status_code == 404
    assert client.get(reverse("supervision:export", args=[plan.pk])).status_code == 404
    other = unit_of(plan, 10, "市教育局")
    assert client.get(reverse("supervision:report_create", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("who", ["officer", "head", "supervisor"])
def test_the_office_and_supervisors_see_the_dashboard(client: Client, dazhou: Dazhou, plan: TaskPlan, who: str) -> None:
    with frozen(dt.date(2022, 11, 1)):
        response = login(client, getattr(dazhou, who)).get(reverse("supervision:dashboard", args=[plan.pk]))
    assert response.status_code == 200
    assert sum(response.context["by_status"].values()) == TaskUnit.objects.filter(task__plan=plan).count()
    assert [g.tasks for g in response.context["groups"]] == [26, 14, 11, 12, 8]
    assert "被审计市级部门（单位）" in response.content.decode()
    assert response.context["can_manage"] is (who != "supervisor")


def test_dashboard_and_lists_query_counts(
    client: Client, dazhou: Dazhou, plan: TaskPlan, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    unit = unit_of(plan, 10, "市教育局")
    services.report_submit(actor=dazhou.edu_editor, task_unit=unit, text="进展。", percent=30)
    login(client, dazhou.officer)
    sitecache.directory()  # the site comes from the per-process copy, read once
    # session, user, plan, role assignments, units, reports, tasks: whatever the plan's size
    with django_assert_num_queries(7):
        assert client.get(reverse("supervision:dashboard", args=[plan.pk])).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("supervision:overdue", args=[plan.pk])).status_code == 200
    login(client, dazhou.edu_editor)
    # session, user, role assignments, units in scope, the scope check, units, reports
    with django_assert_num_queries(7):
        assert client.get(reverse("supervision:my_tasks")).status_code == 200


def test_overdue_list(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    with frozen(dt.date(2022, 9, 1)):
        response = login(client, dazhou.supervisor).get(reverse("supervision:overdue", args=[plan.pk]))
    rows = response.context["rows"]
    assert rows and all(r.status == "overdue" for r in rows)
    # Due 30 August (task 14) is overdue on 1 September; due 30 October (task 1) is not yet.
    assert {r.task.seq for r in rows} >= {14}
    assert 1 not in {r.task.seq for r in rows}


def test_report_form_submits_and_the_office_returns_it(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    url = reverse("supervision:report_create", args=[unit.pk])
    login(client, dazhou.edu_editor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "已完成。", "completed": "on"})
    assert response.status_code == 200
    assert "须附佐证材料" in response.content.decode()
    response = client.post(url, {"text": "已公开“双减”政策。", "percent": "100", "urls": LINK})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.completed and report.evidence.get().url == LINK

    # The supervisor reads but cannot return; the office returns with a reason.
    login(client, dazhou.supervisor)
    denied = client.post(reverse("supervision:report_return", args=[report.pk]), {"comment": "请补充。"})
    assert denied.status_code == 403
    login(client, dazhou.officer)
    client.post(reverse("supervision:report_return", args=[report.pk]), {"comment": "链接无法打开。"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    page = login(client, dazhou.edu_editor).get(reverse("supervision:my_tasks")).content.decode()
    assert "报告被退回" in page


def test_supervisor_cannot_report(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    unit = unit_of(plan, 10, "市教育局")
    response = login(client, dazhou.supervisor).post(
        reverse("supervision:report_create", args=[unit.pk]), {"text": "进展。"}
    )
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_excel_export_downloads_and_reads(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    response = login(client, dazhou.officer).get(reverse("supervision:export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["责任分工表", "单位明细"]
    assert book["单位明细"].max_row == 1 + TaskUnit.objects.filter(task__plan=plan).count()


def test_flagged_unit_resolved_from_the_page(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    flagged = TaskUnit.objects.get(task__plan=plan, task__seq=25, flagged=True)
    url = reverse("supervision:unit_resolve", args=[flagged.pk])
    assert login(client, dazhou.supervisor).get(url).status_code == 403
    login(client, dazhou.officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisations": [dazhou.org("市财政局").pk, dazhou.org("市教育局").pk]})
    assert response.status_code == 302
    assert set(plan.tasks.get(seq=25).units.values_list("name", flat=True)) >= {"市财政局", "市教育局"}


def test_lookback_page_carries_over_at_year_end(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    url = reverse("supervision:lookback", args=[plan.pk])
    login(client, dazhou.officer)
    with frozen(dt.date(2022, 12, 20)):
        page = client.get(url)
        assert page.status_code == 200 and page.context["carry_open"]
        assert len(page.context["entries"]) == 71
        assert client.post(url).status_code == 302
    carried = TaskPlan.objects.get(year=2023)
    assert carried.carried_from == plan and carried.tasks.count() == 71
    login(client, dazhou.supervisor)
    with frozen(dt.date(2022, 12, 20)):
        assert client.post(url).status_code == 403


def test_scores_page_and_scheme_form(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    url = reverse("supervision:scores", args=[plan.pk])
    login(client, dazhou.officer)
    page = client.get(url)
    assert page.status_code == 200
    assert (
        len(page.context["rows"])
        == TaskUnit.objects.filter(task__plan=plan).exclude(organisation=None).values("organisation").distinct().count()
    )
    data = {"full_score": "100", "overdue_deduction": "1", "returned_deduction": "0.5", "task_weights": "10=3"}
    data |= {f"group_{n}": "1" for n in range(1, 6)}
    assert client.post(url, data).status_code == 302
    assert plan.tasks.get(seq=10).weight == 3
    assert ScoringScheme.objects.get(plan=plan).overdue_deduction == 1
    export = client.get(reverse("supervision:scores_export", args=[plan.pk]))
    assert load_workbook(io.BytesIO(export.content)).worksheets[0].cell(row=2, column=2).value == "责任单位"
    login(client, dazhou.supervisor)
    assert client.post(url, data).status_code == 403


def test_plan_list_shows_only_overseen_plans(client: Client, dazhou: Dazhou, plan: TaskPlan) -> None:
    office = login(client, dazhou.officer).get(reverse("supervision:plan_list"))
    assert list(office.context["plans"]) == [plan]
    unit = login(client, dazhou.edu_editor).get(reverse("supervision:plan_list"))
    assert list(unit.context["plans"]) == [] and unit.context["has_units"]
    client.logout()
    assert client.get(reverse("supervision:plan_list")).status_code == 302


@pytest.fixture
def evidence(dazhou: Dazhou, plan: TaskPlan, settings: Any, tmp_path: Path) -> Evidence:
    """A file and a link on 达川区's report on task 1 (shared by every county)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    report = services.report_submit(
        actor=dazhou.dc_editor,
        task_unit=unit_of(plan, 1, "达川区"),
        text="已公开。",
        urls=[LINK],
        files=[SimpleUploadedFile("佐证材料.pdf", PDF, content_type="application/pdf")],
    )
    return report.evidence.exclude(file="").get()


PDF = b"%PDF-1.4 evidence"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dc_editor", 200),  # the unit's own staff
        ("officer", 200),  # the openness office
        ("head", 200),
        ("supervisor", 200),  # the plan's supervisor
        ("tc_editor", 404),  # another county, responsible for the same task
        ("edu_editor", 404),  # a city department
        ("outsider", 404),  # a department of the same county
    ],
)
def test_evidence_download_is_scoped_like_the_report(
    client: Client, dazhou: Dazhou, evidence: Evidence, who: str, status: int
) -> None:
    response = login(client, getattr(dazhou, who)).get(reverse("supervision:evidence_download", args=[evidence.pk]))
    assert response.status_code == status


def test_evidence_download_needs_a_login_and_a_file(client: Client, dazhou: Dazhou, evidence: Evidence) -> None:
    url = reverse("supervision:evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 302
    link = evidence.report.evidence.get(file="")
    login(client, dazhou.officer)
    assert client.get(reverse("supervision:evidence_download", args=[link.pk])).status_code == 404
    assert client.post(url).status_code == 405


def test_evidence_download_headers_and_link(client: Client, dazhou: Dazhou, evidence: Evidence) -> None:
    url = reverse("supervision:evidence_download", args=[evidence.pk])
    response = login(client, dazhou.officer).get(url)
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="attachment-{evidence.pk}.pdf"' in disposition  # ASCII fallback
    assert "filename*=UTF-8''%E4%BD%90%E8%AF%81%E6%9D%90%E6%96%99.pdf" in disposition  # RFC 5987
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    page = client.get(reverse("supervision:task_detail", args=[evidence.report.task_unit.task_id])).content.decode()
    assert f'href="{url}"' in page
