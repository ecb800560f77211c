"""The site-wide sweep (个人信息泄露排查) over published items: incremental, resumable,
per body; the command, and the weekly task."""

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongkai.core.models import AuditRecord, Notification
from gongkai.core.tests.fixtures import Tree
from gongkai.publishing import services
from gongkai.publishing.models import InfoItem
from gongkai.publishing.tests.factories import Desk, approve_all, draft, make_desk, published
from gongkai.screening import selectors, tasks
from gongkai.screening import services as screening
from gongkai.screening.models import ScreeningFinding, ScreeningSweep
from gongkai.screening.tests.factories import ID_MASKED, SECOND_ID, attach, body_with_id, clean_xlsx


def leak_into(item: InfoItem, body_html: str) -> None:
    """Content that reached the live row without the gate: published before the platform
    screened anything, or imported in bulk (publishing.importing writes rows directly)."""
    InfoItem.objects.filter(pk=item.pk).update(body_html=body_html)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What was actually read: "fields:<item>" or the attachment's name."""
    calls: list[str] = []
    fields, files = screening._screen_fields, screening._screen_attachment

    def count_fields(content: Any, context: Any) -> Any:
        calls.append(f"fields:{content.get('title')}")
        return fields(content, context)

    def count_files(attachment: Any, context: Any) -> Any:
        calls.append(attachment.original_name)
        return files(attachment, context)

    monkeypatch.setattr(screening, "_screen_fields", count_fields)
    monkeypatch.setattr(screening, "_screen_attachment", count_files)
    return calls


def test_the_sweep_finds_a_leak_in_a_published_item(
    desk: Desk, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    item = published(desk, "2025年度低保对象公示")
    clean = published(desk, "关于做好2026年政务公开工作的通知")
    leak_into(item, body_with_id())
    with django_capture_on_commit_callbacks(execute=True):
        sweep = screening.sweep_run()
    assert sweep.finished_at is not None and sweep.items_seen == 2 and sweep.items_screened == 1
    found = ScreeningFinding.objects.get(item=item, kind="id_card", resolved_at__isnull=True)
    assert found.value_masked == ID_MASKED and found.content.is_live and found.is_blocking
    assert not ScreeningFinding.objects.filter(item=clean).exists()
    # Those who can withdraw it are told at once.
    note = Notification.objects.get(user=desk.final, message__startswith="全站排查")
    assert "身份证号码" in note.message and item.title in note.message
    assert note.url.endswith(f"/items/{item.pk}/")
    assert selectors.open_findings_per_body() == [
        selectors.BodyFindings(desk.org.pk, desk.org.name, items=1, blocking=2, overridden=0, warnings=0)
    ]
    assert AuditRecord.objects.filter(action="screening.sweep").count() == 1


def test_the_sweep_is_incremental(desk: Desk, media: Path, tree: Tree, counted: list[str]) -> None:
    first = draft(desk, "道路维修项目公示")
    attach(desk, first, "项目表.xlsx", clean_xlsx())
    first = services.item_publish(actor=desk.final, item=approve_all(desk, first))
    second = published(desk, "关于做好2026年政务公开工作的通知")
    counted.clear()  # the gate read both items at submission

    # Content the gate screened is not read again by the sweep.
    sweep = screening.sweep_run()
    assert counted == [] and sweep.items_seen == 2 and sweep.items_screened == 0
    assert screening.sweep_run(restart=True).parts_screened == 0

    # A changed live content is read again, and only that.
    leak_into(second, body_with_id())
    sweep = screening.sweep_run()
    assert counted == [f"fields:{second.title}"]
    assert (sweep.items_screened, sweep.parts_screened, sweep.new_findings) == (1, 1, 2)

    # Editing the leak away through the workflow resolves the findings; the sweep then has nothing to read.
    services.item_update(actor=desk.editor, item=second, body_html="<p>经审核，张某符合条件。</p>")
    services.item_publish(actor=desk.final, item=approve_all(desk, second))
    counted.clear()
    assert screening.sweep_run().items_screened == 0 and counted == []
    assert not ScreeningFinding.objects.filter(item=second, resolved_at__isnull=True).exists()

    # New wording rules change what screening means: everything is read again.
    screening.wording_rule_save(actor=tree.sysadmin, term="国家旅游局", category="serious_error", severity="warn")
    sweep = screening.sweep_run()
    assert sorted(counted) == sorted(["项目表.xlsx", f"fields:{first.title}", f"fields:{second.title}"])
    assert sweep.items_screened == 2


def test_an_interrupted_sweep_resumes_where_it_stopped(desk: Desk, counted: list[str]) -> None:
    items = [published(desk, f"信息{n}") for n in range(5)]
    for item in items:
        leak_into(item, body_with_id(SECOND_ID))

    def stop_after_two(state: screening.SweepProgress) -> None:
        if state.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screening.sweep_run(batch=2, progress=stop_after_two)
    unfinished = ScreeningSweep.objects.get()
    assert unfinished.finished_at is None and unfinished.items_seen == 2
    assert unfinished.last_item_id == items[1].pk
    counted.clear()
    seen: list[tuple[int, int]] = []
    sweep = screening.sweep_run(batch=2, progress=lambda s: seen.append((s.done, s.total)))
    assert sweep.pk == unfinished.pk and sweep.finished_at is not None
    assert counted == [f"fields:{i.title}" for i in items[2:]]
    assert seen[-1] == (5, 5)
    assert (sweep.items_seen, sweep.items_screened, sweep.new_findings) == (5, 5, 10)


def test_org_and_since_limit_the_sweep(desk: Desk, tree: Tree) -> None:
    other = make_desk(tree.tongchuan, "tcd")
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        old = published(desk, "旧信息")
    new = published(desk, "新信息")
    theirs = published(other, "通川区信息")
    for item in (old, new, theirs):
        leak_into(item, body_with_id())
    sweep = screening.sweep_run(organisation=tree.dachuan, since=timezone.localdate() - timedelta(days=1))
    assert sweep.items_seen == 1
    assert set(ScreeningFinding.objects.values_list("item_id", flat=True)) == {new.pk}
    assert [b.organisation_name for b in selectors.open_findings_per_body()] == [tree.dachuan.name]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("screen", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_reports_progress_and_findings_per_body(desk: Desk, tree: Tree) -> None:
    item = published(desk, "低保对象公示")
    leak_into(item, body_with_id())
    out, err = run("sweep", "--org", str(tree.dachuan.pk), "--since", "2020-01-01")
    assert "排查进度 1/1 条信息" in err and "排查完成" in err
    assert out.splitlines() == [f"{desk.org.name}\t信息 1 条\t阻止发布 2 处\t已确认 0 处\t提示 0 处"]
    assert ScreeningSweep.objects.get().since == date(2020, 1, 1)


def test_if_due_runs_weekly(desk: Desk) -> None:
    published(desk)
    run("sweep", "--if-due")
    assert ScreeningSweep.objects.count() == 1
    _out, err = run("sweep", "--if-due")
    assert "未满7天" in err and ScreeningSweep.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        run("sweep", "--if-due")
    assert ScreeningSweep.objects.count() == 2


def test_the_weekly_task_sweeps_when_due(desk: Desk) -> None:
    item = published(desk)
    leak_into(item, body_with_id())
    outcome = tasks.sweep_task.enqueue().return_value  # the test settings run tasks at once
    assert outcome is not None and outcome["swept"] and outcome["new_findings"] == 2
    assert tasks.sweep_task.enqueue().return_value == {"swept": False}


def test_the_weekly_task_queues_itself_once(desk: Desk, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    first = tasks.schedule_weekly_sweep()
    assert first is not None and abs((first - timezone.now()).total_seconds()) < 60
    assert tasks.schedule_weekly_sweep() is None  # already waiting: restarting the worker adds none
    assert DBTaskResult.objects.filter(task_path="gongkai.screening.tasks.sweep_task").count() == 1
    DBTaskResult.objects.all().delete()
    screening.sweep_run()
    then = tasks.schedule_weekly_sweep()
    assert then is not None and then > timezone.now() + timedelta(days=6, hours=23)


def test_the_worker_runs_the_task_and_it_queues_the_next(desk: Desk, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    published(desk)
    assert tasks.sweep_task.call()["swept"]
    backend = tasks.sweep_task.get_backend()
    assert isinstance(backend, DummyBackend)
    results = backend.results
    assert len(results) == 1
    run_after = results[0].task.run_after
    assert run_after is not None and run_after > timezone.now() + timedelta(days=6)


def test_a_file_that_cannot_be_read_is_reported_and_the_sweep_goes_on(desk: Desk, media: Path, tree: Tree) -> None:
    item = draft(desk, "道路维修项目公示")
    attachment = attach(desk, item, "项目表.xlsx", clean_xlsx())
    services.item_publish(actor=desk.final, item=approve_all(desk, item))
    other = published(desk, "另一条信息")
    leak_into(other, body_with_id())
    Path(attachment.file.path).unlink()  # lost from storage
    screening.wording_rule_save(actor=tree.sysadmin, term="国家旅游局", category="serious_error", severity="warn")
    sweep = screening.sweep_run()
    assert sweep.finished_at is not None and sweep.items_screened == 2
    lost = ScreeningFinding.objects.get(item=item, attachment=attachment)
    assert (lost.kind, lost.rule, lost.severity) == ("unscreenable", "unscreenable.unreadable", "block")
    assert ScreeningFinding.objects.filter(item=other, kind="id_card").exists()


def test_schedule_says_when_the_backend_cannot_defer(db: None) -> None:
    _out, err = run("schedule")
    assert "不支持定时任务" in err
