"""`gongkai tasks …` on the real seed: --json and --dry-run, the import into the database,
bad input refused whole, and the Excel export read back by the importer."""

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongkai.core.models import AuditRecord, Organisation
from gongkai.supervision.models import ProgressReport, Task, TaskPlan, TaskUnit

from .factories import SEED, Dazhou


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tasks", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int, int]:
    return TaskPlan.objects.count(), Task.objects.count(), TaskUnit.objects.count(), AuditRecord.objects.count()


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_seed_json_dry_run_prints_71_tasks_and_writes_nothing(dazhou: Dazhou) -> None:
    before = counts()
    out, err = run("import", str(SEED), "--year", "2022", "--dry-run", "--json")
    assert counts() == before
    tasks = json_lines(out)  # stdout holds only the JSON lines
    assert len(tasks) == 71
    assert set(tasks[0]) >= {"seq", "group", "text", "units", "deadline"}
    ids = {o.short_name: o.pk for o in Organisation.objects.all()}
    first = tasks[0]
    assert first["deadline"] == "2022-10-30"
    assert first["units"][:2] == [  # type: ignore[index]
        {"name": "市发展改革委", "org_id": ids["市发展改革委"]},
        {"name": "市经信局", "org_id": ids["市经信局"]},
    ]
    # 各县（市、区）人民政府 → the seven county-level governments, resolved to their bodies.
    county_ids = [u["org_id"] for u in first["units"][5:12]]  # type: ignore[index]
    assert county_ids == [ids[n] for n in ("通川区", "达川区", "万源市", "宣汉县", "大竹县", "渠县", "开江县")]
    assert "试运行" in err and "71 项任务" in err


def test_import_writes_the_plan_in_one_piece(dazhou: Dazhou) -> None:
    out, _ = run("import", str(SEED), "--year", "2022", "--starts-on", "2022-05-26")
    assert "已导入“2022年全市政务公开重点工作责任分工表”" in out
    plan = TaskPlan.objects.get()
    assert (plan.issuer, plan.year, plan.starts_on.isoformat()) == (dazhou.office, 2022, "2022-05-26")
    assert plan.notes.startswith("备注：")
    assert plan.tasks.count() == 71
    assert TaskUnit.objects.filter(task__plan=plan, flagged=True, organisation=None).count() == 2
    task8 = plan.tasks.get(seq=8)
    assert (task8.deadline_kind, task8.due_on, task8.inherited) == ("none", None, False)
    task63 = plan.tasks.get(seq=63)
    assert task63.inherited and task63.due_on.isoformat() == "2022-11-30"  # type: ignore[union-attr]
    assert task63.units.count() == plan.tasks.get(seq=62).units.count() == 41
    record = AuditRecord.objects.get(action="supervision.plan_import")
    assert record.changes["tasks"] == 71
    assert record.changes["units"] == TaskUnit.objects.filter(task__plan=plan).count()

    with pytest.raises(CommandError, match="已导入"):
        run("import", str(SEED), "--year", "2022")
    run("import", str(SEED), "--year", "2022", "--replace")
    assert TaskPlan.objects.count() == 1
    assert Task.objects.count() == 71


def test_a_file_without_a_table_is_refused(dazhou: Dazhou, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("达州市人民政府办公室关于做好政务公开工作的通知\n\n各单位：请认真贯彻落实。\n", encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match="未找到责任分工表"):
        run("import", str(notice), "--year", "2022")
    assert counts() == before


def test_bad_rows_are_reported_each_in_chinese_and_nothing_is_half_imported(dazhou: Dazhou, tmp_path: Path) -> None:
    table = tmp_path / "table.txt"
    table.write_text(
        "附件\n序号\t工作任务\t重点工作任务\t责任单位\t完成时限\n"
        "1\t加强公开\t任务一\t市教育局\t十月底前\n"
        "\t\t任务二\t市教育局\t2022年第三季度\n"
        "\t\t任务三\t市宇宙局\t10月30日前\n"
        "\t\t任务四\t市财政局\t尽快\n",
        encoding="utf-8",
    )
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="导入未执行"):
        call_command("tasks", "import", str(table), "--year", "2022", stdout=out, stderr=StringIO())
    assert counts() == before
    messages = out.getvalue()
    assert "错误  第5行：责任单位“市宇宙局”没有对应的机构。" in messages
    assert "错误  第6行：无法识别的完成时限“尽快”" in messages

    # Kept and flagged on request: the readable dates are read, the rest flagged.
    run("import", str(table), "--year", "2022", "--keep-unresolved")
    plan = TaskPlan.objects.get()
    assert [t.due_on.isoformat() if t.due_on else None for t in plan.tasks.order_by("seq")] == [
        "2022-10-31",
        "2022-09-30",
        "2022-10-30",
        None,
    ]
    assert plan.tasks.get(seq=3).units.get().flagged


def test_export_keeps_the_original_layout_and_reads_back(dazhou: Dazhou, tmp_path: Path) -> None:
    run("import", str(SEED), "--year", "2022", "--starts-on", "2022-05-26")
    plan = TaskPlan.objects.get()
    original, _ = run("import", str(SEED), "--year", "2022", "--dry-run", "--json")
    target = tmp_path / "export.xlsx"
    out, _ = run("export", "--plan", str(plan.pk), "-o", str(target), "--today", "2022-11-01")
    assert "71 项任务" in out

    sheet = load_workbook(io.BytesIO(target.read_bytes())).worksheets[0]
    assert [c.value for c in sheet[2]] == ["序号", "工作任务", "重点工作任务", "责任单位", "完成时限", "完成情况"]
    assert sheet.max_row >= 2 + 71
    assert sheet.cell(row=3, column=3).value.startswith("围绕优化投资环境")
    assert sheet.cell(row=3, column=6).value.startswith("逾期（14）：市发展改革委")
    # 序号 merged down group 1 (26 tasks); 责任单位 of task 63 merged with task 62's.
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A3:A28" in merged
    assert "D64:D65" in merged and "E64:E65" in merged

    again, _ = run("import", str(target), "--year", "2022", "--dry-run", "--json")
    keys = ("seq", "group_no", "group", "subgroup", "text", "units", "deadline", "inherited")
    assert [{k: t[k] for k in keys} for t in json_lines(again)] == [
        {k: t[k] for k in keys} for t in json_lines(original)
    ]


def test_list_remind_lookback_and_scores(dazhou: Dazhou, tmp_path: Path) -> None:
    run("import", str(SEED), "--year", "2022", "--starts-on", "2022-05-26")
    plan = TaskPlan.objects.get()
    out, _ = run("list")
    assert "2022年全市政务公开重点工作责任分工表" in out and "71 项任务" in out
    rows = json_lines(run("list", "--plan", str(plan.pk), "--json", "--status", "overdue", "--today", "2022-11-01")[0])
    assert rows and all(r["status"] == "overdue" for r in rows)
    out, _ = run("remind", "--today", "2022-10-25")
    assert "已发送" in out
    out, _ = run("lookback", "--plan", str(plan.pk), "--today", "2023-01-05", "--carry")
    assert "未完成的任务 71 项" in out and "已结转 71 项任务" in out
    assert TaskPlan.objects.filter(year=2023, carried_from=plan).exists()
    scores = tmp_path / "scores.xlsx"
    out, _ = run("scores", "--plan", str(plan.pk), "-o", str(scores), "--today", "2023-01-05")
    assert "得分" in out
    sheet = load_workbook(scores).worksheets[0]
    assert sheet.cell(row=2, column=10).value == "得分"
    assert not ProgressReport.objects.exists()
