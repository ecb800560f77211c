"""Saving, publishing (through publishing's review workflow) and the entered figures."""

import pytest

from gongkai.core.errors import DomainError, NotPermitted
from gongkai.core.models import Role
from gongkai.core.tests.factories import make_org, make_user
from gongkai.publishing import services as publishing
from gongkai.publishing.models import ColumnKey, ItemState
from gongkai.publishing.tests.factories import make_desk
from gongkai.reports import services
from gongkai.reports.models import AnnualFigures, AnnualReport, ReportStatus
from gongkai.reports.selectors import report_view
from gongkai.reports.tests.factories import TODAY, import_ledger, office

pytestmark = pytest.mark.django_db


def test_save_keeps_edited_texts_and_drafts_the_rest() -> None:
    org = make_org("达州市测试局")
    import_ledger(org)
    officer = office(org)
    report = services.annual_report_save(
        actor=officer, organisation=org, year=2025, texts={"problems": "  本年的问题。\r\n第二段。 "}, today=TODAY
    )
    assert report.texts == {"problems": "本年的问题。\n第二段。"}
    view = report_view(org, 2025, with_departments=False, today=TODAY)
    assert view.texts["problems"] == "本年的问题。\n第二段。"
    assert view.texts["on_request"].startswith(
        "本年新收政府信息公开申请23件，其中自然人申请9件，法人或其他组织申请14件"
    )
    assert "结转下年度继续办理6件" in view.texts["on_request"]
    assert report.figures["table3"]["new"]["total"] == 23
    assert report.format == "2021"
    assert report.status == ReportStatus.DRAFT


def test_an_untouched_draft_follows_the_figures() -> None:
    org = make_org()
    officer = office(org)
    draft = report_view(org, 2025, with_departments=False, today=TODAY).texts
    services.annual_report_save(actor=officer, organisation=org, year=2025, texts=draft, today=TODAY)
    import_ledger(org)  # the ledger arrives after the first save
    view = report_view(org, 2025, with_departments=False, today=TODAY)
    assert "本年新收政府信息公开申请23件" in view.texts["on_request"]
    assert view.report is not None
    assert view.report.texts == {}


def test_only_the_office_of_the_body_saves() -> None:
    org, other = make_org(), make_org()
    with pytest.raises(NotPermitted):
        services.annual_report_save(actor=office(other), organisation=org, year=2025, texts={}, today=TODAY)
    editor = make_user(org=org, role=Role.EDITOR)
    with pytest.raises(NotPermitted):
        services.annual_report_publish(actor=editor, organisation=org, year=2025, today=TODAY)


def test_stale_version_is_refused() -> None:
    org = make_org()
    officer = office(org)
    report = services.annual_report_save(actor=officer, organisation=org, year=2025, texts={}, today=TODAY)
    services.annual_report_save(
        actor=officer, organisation=org, year=2025, texts={}, today=TODAY, version=report.version
    )
    with pytest.raises(DomainError, match="已被他人修改"):
        services.annual_report_save(
            actor=officer, organisation=org, year=2025, texts={}, today=TODAY, version=report.version
        )


def test_publish_creates_the_item_in_the_annual_report_column_and_enters_review() -> None:
    org = make_org("达州市测试局")
    desk = make_desk(org, "ar")
    import_ledger(org)
    officer = office(org)
    services.annual_report_save(actor=officer, organisation=org, year=2025, texts={"other": "无。"}, today=TODAY)
    report = services.annual_report_publish(actor=officer, organisation=org, year=2025, today=TODAY)
    item = report.item
    assert item is not None
    assert report.status == ReportStatus.SUBMITTED
    assert item.column.key == ColumnKey.ANNUAL_REPORT
    assert item.state == ItemState.IN_REVIEW
    assert item.title == "达州市测试局2025年政府信息公开工作年度报告"
    assert "<table>" in item.body_html
    assert "<p>无。</p>" in item.body_html
    assert report.is_locked
    with pytest.raises(DomainError, match="已送审或已发布"):
        services.annual_report_save(actor=officer, organisation=org, year=2025, texts={}, today=TODAY)
    with pytest.raises(DomainError, match="不能重复发布"):
        services.annual_report_publish(actor=officer, organisation=org, year=2025, today=TODAY)
    # Returned by the first reviewer: correct and send again.
    publishing.item_review(actor=desk.first, item=item, approve=False, comment="请补充第五部分")
    services.annual_report_save(actor=officer, organisation=org, year=2025, texts={"problems": "补充。"}, today=TODAY)
    report = services.annual_report_publish(actor=officer, organisation=org, year=2025, today=TODAY)
    assert report.item_id == item.pk
    publishing.item_review(actor=desk.first, item=item, approve=True, confidentiality_attested=True)
    publishing.item_review(actor=desk.second, item=item, approve=True)
    publishing.item_review(actor=desk.final, item=item, approve=True)
    publishing.item_publish(actor=desk.final, item=item)
    report = AnnualReport.objects.select_related("item").get(pk=report.pk)
    assert report.is_published
    assert report.state_label == "已发布"
    assert "<p>补充。</p>" in report.item.body_html  # type: ignore[union-attr]


def test_figures_save_validates() -> None:
    org = make_org()
    officer = office(org)
    figures = services.annual_figures_save(
        actor=officer, organisation=org, year=2025, today=TODAY, penalty_decisions=3, fee_amount="12.5"
    )
    assert (figures.penalty_decisions, str(figures.fee_amount)) == (3, "12.5000")
    with pytest.raises(DomainError, match="不能为负数"):
        services.annual_figures_save(actor=officer, organisation=org, year=2025, today=TODAY, penalty_decisions=-1)
    with pytest.raises(DomainError, match="尚未到来"):
        services.annual_figures_save(actor=officer, organisation=org, year=2027, today=TODAY, penalty_decisions=1)


def test_figures_import_all_or_nothing_with_chinese_row_errors() -> None:
    org, other = make_org(), make_org()
    header = ",".join(services.FIGURES_CSV_COLUMNS)
    bad = (
        f"{header}\n{org.pk},2025,10,2,1,3.5,,\n"
        f"{org.pk},2025,1,1,1,1,,\n"
        f"abc,2025,1,1,1,1,,\n"
        f"{other.pk},2027,1,1,1,1,,\n"
        f"{org.pk},2024,-1,x,1,1.23456,,\n"
        "999999,2024,1,1,1,1,,\n"
    ).encode()
    with pytest.raises(services.FiguresInvalid) as invalid:
        services.annual_figures_import(actor=None, table=services.read_figures_csv(bad), today=TODAY)
    assert invalid.value.errors == [
        f"第3行：机构编号{org.pk}的2025年度与第2行重复。",
        "第4行“机构编号”：“abc”不是整数。",
        "第5行“年度”：2027年度尚未到来，不能生成年度报告（今天是2026-01-15）。",
        "第6行“行政许可处理决定数”：“-1”应为非负整数。",
        "第6行“行政处罚处理决定数”：“x”应为非负整数。",
        "第6行“行政事业性收费金额（万元）”：“1.23456”应为金额（万元，最多四位小数）。",
        "第7行“机构编号”：机构999999不存在。",
    ]
    assert not AnnualFigures.objects.exists()
    good = f"{header}\n{org.pk},2025,10,2,1,3.5,,\n{other.pk},2020,0,0,0,0,4,100.25\n".encode("gb18030")
    with pytest.raises(services.FiguresInvalid, match=f"第3行“机构编号”：您没有填报{other.name}年报数据的权限"):
        services.annual_figures_import(actor=office(org), table=services.read_figures_csv(good), today=TODAY)
    result = services.annual_figures_import(actor=None, table=services.read_figures_csv(good), today=TODAY)
    assert (result.created, result.updated) == (2, 0)
    stored = AnnualFigures.objects.get(organisation=other, year=2020)
    assert (stored.procurement_projects, str(stored.procurement_amount)) == (4, "100.2500")
    again = f"{header}\n{org.pk},2025,11,2,1,3.5,,\n".encode()
    result = services.annual_figures_import(actor=office(org), table=services.read_figures_csv(again), today=TODAY)
    assert (result.created, result.updated) == (0, 1)
    assert AnnualFigures.objects.get(organisation=org, year=2025).licensing_decisions == 11
