"""The demo's key tasks: the seed's annex imported as Dazhou's 2022 plan through the same
reader and service as `gongkai tasks import`, and a few reports of the demo units so that
the dashboards show every status. Loading twice changes nothing."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Organisation, User

from . import selectors, services
from .annex import parse_file
from .models import ReportState, Task, TaskPlan, TaskUnit

# The seed document (达市府办发〔2022〕37号) in the shared folder beside the project; its
# annex after the line 附件 is the responsibility table.
SEED = Path(settings.SHARED_DIR) / "seed" / "000_f368b6cade0a67ca.txt"
ISSUER = "达州市人民政府办公室"
YEAR = 2022
ISSUED_ON = dt.date(2022, 5, 26)
DOC_NUMBER = "达市府办发〔2022〕37号"

Progress = Callable[[str], None]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _unit(plan: TaskPlan, seq: int, org_short_name: str) -> TaskUnit | None:
    return TaskUnit.objects.filter(task__plan=plan, task__seq=seq, organisation__short_name=org_short_name).first()


# (task seq, unit, username, day, text, percent, completed, evidence link)
DEMO_REPORTS: tuple[tuple[int, str, str, dt.date, str, int | None, bool, str], ...] = (
    (
        10,
        "市教育局",
        "edu_editor",
        dt.date(2022, 9, 20),
        "已在专栏集中公开“双减”“双规范”政策文件及解读。",
        100,
        True,
        "https://www.dazhou.gov.cn/gk/shuangjian",
    ),
    (
        9,
        "市教育局",
        "edu_editor",
        dt.date(2022, 11, 15),
        "毕业生就业政策措施已持续公开。",
        None,
        False,
        "https://www.dazhou.gov.cn/gk/jiuye",
    ),
    (
        14,
        "市教育局",
        "edu_editor",
        dt.date(2022, 7, 10),
        "已督促各学校公开服务标准和收费标准，正在汇总。",
        60,
        False,
        "",
    ),
    (
        41,
        "达川区",
        "dc_editor",
        dt.date(2022, 12, 5),
        "“四公开一建设”任务全部完成，工作报告已公开。",
        100,
        True,
        "https://www.dachuan.gov.cn/gk/sigongkai",
    ),
    (
        28,
        "达川区",
        "dc_editor",
        dt.date(2022, 8, 15),
        "乡镇、部门法定主动公开专栏已开设。",
        100,
        True,
        "https://www.dachuan.gov.cn/gk/zhuanlan",
    ),
    (
        43,
        "达川区",
        "dc_editor",
        dt.date(2022, 10, 1),
        "已动态调整基层政务公开事项目录。",
        None,
        False,
        "https://www.dachuan.gov.cn/gk/mulu",
    ),
)


@transaction.atomic
def load(progress: Progress = lambda _msg: None) -> TaskPlan | None:
    issuer = Organisation.objects.filter(name=ISSUER).first()
    if issuer is None:
        progress("重点工作：演示机构尚未加载，跳过。")
        return None
    existing = TaskPlan.objects.filter(issuer=issuer, year=YEAR).first()
    if existing is not None:
        progress(f"重点工作：“{existing.title}”已存在。")
        return existing
    if not SEED.exists():
        progress(f"重点工作：找不到种子文件 {SEED}，跳过。")
        return None
    parsed = parse_file(SEED, year=YEAR, directory=selectors.unit_directory(issuer))
    plan = services.plan_import(
        actor=None,
        parsed=parsed,
        issuer=issuer,
        year=YEAR,
        starts_on=ISSUED_ON,
        doc_number=DOC_NUMBER,
        source_name=SEED.name,
    )
    reports = 0
    users = {u.username: u for u in User.objects.filter(username__in={r[2] for r in DEMO_REPORTS} | {"city_officer"})}
    for seq, unit_name, username, day, text, percent, completed, link in DEMO_REPORTS:
        unit = _unit(plan, seq, unit_name)
        author = users.get(username)
        if unit is None or author is None:
            continue
        report = services.report_submit(
            actor=author,
            task_unit=unit,
            text=text,
            percent=percent,
            completed=completed,
            urls=[link] if link else [],
            submitted_at=_at(day),
        )
        reports += 1
        if seq == 43 and "city_officer" in users:
            services.report_return(
                actor=users["city_officer"], report=report, comment="链接打开为空白页，请补充事项目录的发布页面。"
            )
    # 达川区 reports every month on task 30 (每月坚持) from June, the month after issue.
    monthly = _unit(plan, 30, "达川区")
    if monthly is not None and "dc_editor" in users:
        for month in range(6, 13):
            services.report_submit(
                actor=users["dc_editor"],
                task_unit=monthly,
                text=f"{month}月已落实“编、审、发”责任岗位制和保密审查。",
                submitted_at=_at(dt.date(YEAR, month, 25)),
            )
            reports += 1
    tasks = Task.objects.filter(plan=plan).count()
    returned = TaskUnit.objects.filter(task__plan=plan, reports__state=ReportState.RETURNED).count()
    progress(f"重点工作：导入“{plan.title}”{tasks} 项任务，演示报送 {reports} 份（退回 {returned} 份）。")
    return plan
