"""The demo: `make run` imports the seed's table as Dazhou's 2022 plan, with a few reports."""

import datetime as dt

import pytest

from gongkai.demo import loader
from gongkai.supervision import demo, selectors
from gongkai.supervision.models import ProgressReport, TaskPlan
from gongkai.supervision.status import UnitStatus


@pytest.mark.django_db
def test_the_demo_imports_the_seed_plan_once() -> None:
    loader.load()
    plan = demo.load()
    assert plan is not None
    assert (plan.title, plan.year, plan.issuer.name, plan.doc_number) == (
        "2022年全市政务公开重点工作责任分工表",
        2022,
        "达州市人民政府办公室",
        "达市府办发〔2022〕37号",
    )
    assert plan.tasks.count() == 71
    reports = ProgressReport.objects.count()
    assert reports == 6 + 7
    assert demo.load() == plan
    assert ProgressReport.objects.count() == reports
    assert TaskPlan.objects.count() == 1

    board = selectors.plan_board(plan, today=dt.date(2023, 1, 10))
    status = {(r.task.seq, r.unit.name): r.status for r in board.rows}
    assert status[(10, "市教育局")] == UnitStatus.DONE
    assert status[(14, "市教育局")] == UnitStatus.OVERDUE
    assert status[(30, "达川区")] == UnitStatus.DONE  # reported every month from June
    assert status[(43, "达川区")] == UnitStatus.OVERDUE  # its only report was returned
    assert status[(28, "达川区")] == UnitStatus.DONE  # done, but late
    assert next(r for r in board.rows if (r.task.seq, r.unit.name) == (28, "达川区")).result.late
