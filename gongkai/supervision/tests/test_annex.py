"""Reading the responsibility table: the seed's own annex against a reading made by hand
(held out from the parser), and the same logic on .xlsx and .docx files built here."""

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from gongkai.supervision.annex import AnnexError, interpret, parse_file, read_bytes, read_text

from .factories import SEED, offline_directory

COUNTIES = ["通川区", "达川区", "万源市", "宣汉县", "大竹县", "渠县", "开江县"]
ZONES = ["达州高新区管委会", "达州东部经开区管委会"]
LOCAL = COUNTIES + ZONES
DEPARTMENTS = [
    "市发展改革委", "市经信局", "市教育局", "市科技局", "市公安局", "市民政局", "市司法局", "市财政局",
    "市人力资源社会保障局", "市自然资源规划局", "市生态环境局", "市住房城乡建设局", "市交通运输局", "市水务局",
    "市农业农村局", "市商务局", "市文体旅游局", "市卫生健康委", "市退役军人局", "市应急局", "市审计局", "市国资委",
    "市市场监管局", "市医保局", "市林业局", "市乡村振兴局", "市金融工作局", "市数字经济局", "市政管局",
    "市城管执法局", "市口岸物流办",
]  # fmt: skip
CENTRE = "市政府信息公开管理中心"
G1 = "加强重点领域信息公开，增强政策公开透明度"
G2 = "加强政府信息资源公开，提升信息公开服务质量效"
G3 = "加强基层政务公开，促进政府治理能力提升"
G4 = "加强公开平台载体建设，推动创新融合发展"
G5 = "加强完善机制创新建设，确保工作落地落实"

# My own reading of the seed's table, task by task for a sample that covers every hard case:
# (seq, group_no, group, subgroup, text prefix, unit names in order, deadline, inherited)
HELD_OUT = [
    (
        1,
        1,
        G1,
        "加强稳增长信息公开",
        "围绕优化投资环境",
        ["市发展改革委", "市经信局", "市市场监管局", "市科技局", "市金融工作局", *LOCAL],
        "2022-10-30",
        False,
    ),
    # Inherits 序号/工作任务 from the merged cells above.
    (
        2,
        1,
        G1,
        "加强稳增长信息公开",
        "主动公开成渝地区双城经济圈建设",
        ["市发展改革委", "市经信局", "市自然资源规划局", "市交通运输局", "市口岸物流办", *LOCAL],
        "2022-10-30",
        False,
    ),
    # First row after a page break: "1 | <group title>" repeated, header repeated above it.
    (
        6,
        1,
        G1,
        "加强稳增长信息公开",
        "围绕重点领域改革",
        ["市自然资源规划局", "市财政局", "市税务局", "市国资委", "市政管局", "市民政局", *LOCAL],
        "2022-10-30",
        False,
    ),
    (
        7,
        1,
        G1,
        "加强稳增长信息公开",
        "做好反垄断与反不正当竞争执法信息发布",
        ["市市场监管局", *LOCAL],
        "continuous",
        False,
    ),
    # 权责清单: units given, 完成时限 empty → no deadline (not inherited from 及时公开 above).
    (
        8,
        1,
        G1,
        "加强稳增长信息公开",
        "规范公布并动态更新权责清单",
        ["市委编办", "市司法局", "市政管局", *LOCAL],
        None,
        False,
    ),
    (
        9,
        1,
        G1,
        "加强惠民惠企惠农政策信息公开",
        "深入推进面向高校职校毕业生",
        ["市教育局", "市退役军人局", "市人力资源社会保障局", *LOCAL],
        "continuous",
        False,
    ),
    (
        12,
        1,
        G1,
        "加强惠民惠企惠农政策信息公开",
        "加强普惠中小微贷款政策",
        ["市金融工作局", "市财政局", "市经信局", "市市场监管局", "人行达州市中心支行", *LOCAL],
        "continuous",
        False,
    ),
    # Half-width brackets: 各县(市、区)人民政府.
    (
        13,
        1,
        G1,
        "加强惠民惠企惠农政策信息公开",
        "加大助推“三农”提质增效",
        ["市农业农村局", "市乡村振兴局", *LOCAL],
        "continuous",
        False,
    ),
    (
        14,
        1,
        G1,
        "加强惠民惠企惠农政策信息公开",
        "严格执行国务院有关主管部门制定",
        ["市教育局", "市卫生健康委", "市经信局", "市国资委", "市城管执法局", "市数字经济局", *LOCAL],
        "2022-08-30",
        False,
    ),
    # "…、市国资委等，各县…": a bare 等.
    (
        18,
        1,
        G1,
        "加强风险隐患信息公开",
        "依法依规公开食品药品",
        ["市市场监管局", "市住房城乡建设局", "市应急局", "市水务局", "市发展改革委", "市经信局", "市国资委", *LOCAL],
        "continuous",
        False,
    ),
    # 市委编办及具有行政许可权的市级相关部门（单位）: split on 及, the class kept and flagged.
    (
        23,
        1,
        G1,
        "加强风险隐患信息公开",
        "做好行政许可、财政预决算",
        [
            "市委编办",
            "具有行政许可权的市级相关部门（单位）",
            "市财政局",
            "市发展改革委",
            "市市场监管局",
            "市公共资源交易中心",
            *LOCAL,
        ],
        "continuous",
        False,
    ),
    (
        25,
        1,
        G1,
        "加强风险隐患信息公开",
        "加大审计结果公开力度",
        ["市审计局", "被审计市级部门（单位）", *LOCAL],
        "continuous",
        False,
    ),
    # 市发展改革委等市级相关部门（单位）.
    (
        26,
        1,
        G1,
        "加强风险隐患信息公开",
        "按规定向社会公开各级政府及其部门政务失信信息",
        ["市发展改革委", *LOCAL],
        "continuous",
        False,
    ),
    # 序号 cell "2 加强政府信息资源公开，…" holds number and group title; 市政府工作部门 expanded.
    (27, 2, G2, "规范发布法定主动公开内容", "进一步增强规范公开意识", [*DEPARTMENTS, *LOCAL], "2022-11-30", False),
    (28, 2, G2, "规范发布法定主动公开内容", "县级政府网站要开设乡镇（街道）", LOCAL, "2022-07-30", False),
    (
        30,
        2,
        G2,
        "规范发布法定主动公开内容",
        "完善政府信息“编、审、发”责任岗位制",
        [*DEPARTMENTS, CENTRE, *LOCAL],
        "monthly",
        False,
    ),
    (34, 2, G2, "加强政府信息公开专栏建设", "县级政府网站要及时公开疫情防控", LOCAL, "2022-05-30", False),
    # After a page break: "2 | 依法办理政府信息公开申请" — the number with a new sub-group.
    (35, 2, G2, "依法办理政府信息公开申请", "强化为民服务理念", [*DEPARTMENTS, CENTRE, *LOCAL], "2022-06-30", False),
    (36, 2, G2, "依法办理政府信息公开申请", "依托省政府信息公开目录管理系统", [CENTRE], "2022-12-10", False),
    (
        40,
        2,
        G2,
        "加大政策解读回应关切",
        "市12345政务服务便民热线平台",
        ["市政管局", CENTRE, *LOCAL],
        "2022-06-30",
        False,
    ),
    # 达川区、万源市人民政府.
    (41, 3, G3, "", "达川区、万源市2个试点先行县要积极主动作为", ["达川区", "万源市"], "2022-12-10", False),
    (
        42,
        3,
        G3,
        "",
        "其他县（市、区）、达州高新区",
        ["通川区", "宣汉县", "大竹县", "渠县", "开江县", *ZONES],
        "2022-12-10",
        False,
    ),
    (45, 3, G3, "持续推进政务公开力度", "要及时公开涉农补贴信息情况", LOCAL, "2022-11-30", False),
    (48, 3, G3, "持续推进政务公开力度", "要大力推进部门及乡镇（街道）", LOCAL, "2022-11-30", False),
    (
        51,
        3,
        G3,
        "强化总结推广经验",
        "政务公开工作主管部门和市级有关部门",
        [*DEPARTMENTS, CENTRE, *LOCAL],
        "2022-12-20",
        False,
    ),
    # Group 4 starts inside a page, without a header before it.
    (52, 4, G4, "", "加强政府网站集约化平台建设", [CENTRE], "2022-06-30", False),
    # 市委网信办、…、市政府信息公开管理中心等市级有关部门.
    (
        53,
        4,
        G4,
        "",
        "加大政府网站日常监管",
        ["市委网信办", "市公安局", "市数字经济局", CENTRE, *LOCAL],
        "monthly",
        False,
    ),
    (54, 4, G4, "大力提升政府网站建管水平", "完善政府网站办事服务", [*DEPARTMENTS, CENTRE, *LOCAL], "monthly", False),
    (
        56,
        4,
        G4,
        "大力提高政务新媒体运维管理水平",
        "政府系统政务新媒体账号开设、注销备案",
        ["市委网信办", *DEPARTMENTS, CENTRE, *LOCAL],
        "2022-11-30",
        False,
    ),
    (60, 4, G4, "大力提高政务新媒体运维管理水平", "统一刊登政府规章和规范性文件", [CENTRE], "2022-12-31", False),
    (
        62,
        4,
        G4,
        "创新推进各平台载体融合发展",
        "推动政府网站集约化平台统一信息资源库建设",
        [CENTRE, *DEPARTMENTS, *LOCAL],
        "2022-11-30",
        False,
    ),
    # 责任单位 and 完成时限 both empty: merged with the row above.
    (
        63,
        4,
        G4,
        "创新推进各平台载体融合发展",
        "完善市政府公报数据库",
        [CENTRE, *DEPARTMENTS, *LOCAL],
        "2022-11-30",
        True,
    ),
    # 市政府办公室及其他市政府工作部门.
    (64, 5, G5, "", "健全各级政府主要负责人亲自抓", ["市政府办公室", *DEPARTMENTS, *LOCAL], "2022-10-30", False),
    (66, 5, G5, "", "加大业务培训力度", ["市委组织部"], "2022-12-20", False),
    (68, 5, G5, "", "严格落实政务公开工作在目标绩效考核体系", ["市委目标绩效办"], "2022-09-30", False),
    (71, 5, G5, "", "大力推行政务公开社会监督评议员制度", [CENTRE, *LOCAL], "2022-07-30", False),
]


@pytest.fixture(scope="module")
def seed() -> list[dict[str, object]]:
    parsed = parse_file(SEED, year=2022, directory=offline_directory())
    assert not parsed.errors
    return [t.as_json() for t in parsed.tasks]


def test_the_seed_table_has_71_tasks_in_five_groups(seed: list[dict[str, object]]) -> None:
    assert len(seed) == 71
    assert [t["seq"] for t in seed] == list(range(1, 72))
    per_group: dict[object, int] = {}
    for task in seed:
        per_group[task["group_no"]] = per_group.get(task["group_no"], 0) + 1
    assert per_group == {1: 26, 2: 14, 3: 11, 4: 12, 5: 8}
    assert {t["group"] for t in seed} == {G1, G2, G3, G4, G5}


@pytest.mark.parametrize(
    ("seq", "group_no", "group", "subgroup", "prefix", "units", "deadline", "inherited"),
    HELD_OUT,
    ids=[f"task{row[0]}" for row in HELD_OUT],
)
def test_the_seed_table_read_as_by_hand(
    seed: list[dict[str, object]],
    seq: int,
    group_no: int,
    group: str,
    subgroup: str,
    prefix: str,
    units: list[str],
    deadline: str | None,
    inherited: bool,
) -> None:
    task = seed[seq - 1]
    assert task["seq"] == seq
    assert (task["group_no"], task["group"], task["subgroup"] or "") == (group_no, group, subgroup)
    assert str(task["text"]).startswith(prefix)
    assert [u["name"] for u in task["units"]] == units  # type: ignore[attr-defined]
    assert task["deadline"] == deadline
    assert task["inherited"] is inherited


def test_every_unit_of_the_seed_resolves_except_the_two_classes(seed: list[dict[str, object]]) -> None:
    unresolved = {u["name"] for t in seed for u in t["units"] if u["org_id"] is None}  # type: ignore[attr-defined]
    assert unresolved == {"具有行政许可权的市级相关部门（单位）", "被审计市级部门（单位）"}


def test_deadline_kinds_of_the_seed(seed: list[dict[str, object]]) -> None:
    kinds = [t["deadline"] if t["deadline"] in ("continuous", "monthly", None) else "date" for t in seed]
    assert kinds.count("continuous") == 15
    assert kinds.count("monthly") == 5
    assert kinds.count(None) == 1
    assert kinds.count("date") == 50
    assert [t["seq"] for t in seed if t["inherited"]] == [63]


def test_the_notes_after_the_table_are_kept_and_the_title_found() -> None:
    parsed = parse_file(SEED, year=2022, directory=offline_directory())
    assert parsed.title == "2022年全市政务公开重点工作责任分工表"
    assert parsed.notes == ["备注：省政府办公厅对“完成时限”有具体要求的，按照要求执行。"]
    # The empty deadline and the two class units are warnings for the office, not errors.
    assert [str(p) for p in parsed.warnings] == [
        "第95行：完成时限为空，按未定时限处理。",
        "第114行：责任单位“具有行政许可权的市级相关部门（单位）”指一类单位而非具体机构，已保留原文，待公开办确认。",
        "第116行：责任单位“被审计市级部门（单位）”指一类单位而非具体机构，已保留原文，待公开办确认。",
    ]


# --- bad input ------------------------------------------------------------------------

HEADER = "序号\t工作任务\t重点工作任务\t责任单位\t完成时限"


def _text(*rows: str) -> str:
    return "\n".join(["附件", "", "测试责任分工表", "", HEADER, *rows, ""])


def test_a_file_without_a_table_is_refused_in_chinese() -> None:
    with pytest.raises(AnnexError, match="未找到责任分工表"):
        interpret(
            read_text("关于印发重点工作的通知\n\n各单位：请认真贯彻落实。\n"), year=2022, directory=offline_directory()
        )


def test_a_table_without_tasks_is_refused() -> None:
    with pytest.raises(AnnexError, match="没有任何重点工作任务"):
        interpret(read_text(_text("1\t加强公开\t\t\t")), year=2022, directory=offline_directory())


def test_old_binary_office_files_are_refused_with_advice() -> None:
    with pytest.raises(AnnexError, match="另存为"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name="表.doc")


def test_readable_odd_deadlines_are_read_and_the_rest_flagged_per_row() -> None:
    parsed = interpret(
        read_text(
            _text(
                "1\t加强公开\t任务甲\t市教育局\t十月底前",
                "\t\t任务乙\t市教育局\t2022年第三季度",
                "\t\t任务丙\t市教育局\t尽快",
                "\t\t任务丁\t市教育局\t2月30日前",
            )
        ),
        year=2022,
        directory=offline_directory(),
    )
    assert [t.deadline.as_json() for t in parsed.tasks] == ["2022-10-31", "2022-09-30", None, None]
    assert [str(p) for p in parsed.errors] == [
        "第8行：无法识别的完成时限“尽快”。请写成具体日期（如“10月30日前”“10月底前”“第三季度”），或“及时公开”“每月坚持”。",
        "第9行：完成时限“2月30日前”不是一个存在的日期。",
    ]


def test_a_unit_that_matches_no_organisation_is_an_error_for_its_row() -> None:
    parsed = interpret(
        read_text(_text("1\t加强公开\t任务甲\t市教育局、市宇宙局\t10月30日前", "\t\t任务乙\t市教育厅\t及时公开")),
        year=2022,
        directory=offline_directory(),
    )
    assert [str(p) for p in parsed.errors] == [
        "第6行：责任单位“市宇宙局”没有对应的机构。",
        "第7行：责任单位“市教育厅”没有对应的机构。",
    ]
    # --keep-unresolved keeps them as flagged text instead.
    kept = interpret(
        read_text(_text("1\t加强公开\t任务甲\t市教育局、市宇宙局\t10月30日前")),
        year=2022,
        directory=offline_directory(),
        keep_unresolved=True,
    )
    assert not kept.errors
    assert [(u.name, u.org_id is None, u.flagged) for u in kept.tasks[0].units] == [
        ("市教育局", False, False),
        ("市宇宙局", True, True),
    ]


def test_only_both_cells_empty_share_the_previous_task() -> None:
    parsed = interpret(
        read_text(
            _text(
                "1\t加强公开\t任务甲\t市教育局\t及时公开",
                "\t\t任务乙\t市财政局\t",  # deadline alone empty: none
                "\t\t任务丙\t\t10月30日前",  # units alone empty: units from above
                "\t\t任务丁\t\t",  # both empty: units and deadline from above
            )
        ),
        year=2022,
        directory=offline_directory(),
    )
    got = [([u.name for u in t.units], t.deadline.as_json(), t.inherited) for t in parsed.tasks]
    assert got == [
        (["市教育局"], "continuous", False),
        (["市财政局"], None, False),
        (["市财政局"], "2022-10-30", False),
        (["市财政局"], "2022-10-30", True),
    ]
    assert [str(p) for p in parsed.warnings] == [
        "第7行：完成时限为空，按未定时限处理。",
        "第8行：责任单位为空，已沿用上一项任务的责任单位。",
    ]


def test_units_without_a_task_text_are_an_error() -> None:
    parsed = interpret(
        read_text(_text("1\t加强公开\t任务甲\t市教育局\t10月30日前", "\t\t\t市财政局\t10月30日前")),
        year=2022,
        directory=offline_directory(),
    )
    assert [str(p) for p in parsed.errors] == [
        "第7行：有责任单位或完成时限，但“重点工作任务”为空，无法确定属于哪项任务。"
    ]


# --- .xlsx ----------------------------------------------------------------------------


def _xlsx() -> bytes:
    """A two-page table as Excel gives it: merged 序号/工作任务 cells, a header repeated after
    a page break with the group cells printed again, merged 责任单位/完成时限."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年政务公开重点工作责任分工表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "工作任务", "重点工作任务", "责任单位", "完成时限"])
    ws.append(
        [1, "加强政策公开\n加强稳增长信息公开", "任务一", "市发展改革委等部门，各县（市、区）人民政府", "10月30日前"]
    )
    ws.append([None, None, "任务二", "市财政局", "及时公开"])
    ws.append([None, "加强惠民政策公开", "任务三", "市教育局、市人力资源社会保障局", "每月坚持"])
    ws.append([None, None, "任务四", None, None])
    ws.merge_cells("A3:A6")
    ws.merge_cells("D5:D6")
    ws.merge_cells("E5:E6")
    ws.append(["序号", "工作任务", "重点工作任务", "责任单位", "完成时限"])
    ws.append([1, "加强政策公开", "任务五", "市政府信息公开管理中心", "2023-06-30"])
    ws.append([2, "加强平台建设", "任务六", "被审计市级部门（单位）", "第三季度"])
    ws.append(["备注：省政府办公厅对“完成时限”有具体要求的，按照要求执行。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsx_table_reads_like_the_text_table() -> None:
    parsed = interpret(read_bytes(_xlsx(), name="表.xlsx"), year=2023, directory=offline_directory())
    assert not parsed.errors
    assert parsed.title == "2023年政务公开重点工作责任分工表"
    got = [
        (t.seq, t.group_no, t.group, t.subgroup, t.text, [u.name for u in t.units], t.deadline.as_json(), t.inherited)
        for t in parsed.tasks
    ]
    assert got == [
        (1, 1, "加强政策公开", "加强稳增长信息公开", "任务一", ["市发展改革委", *COUNTIES], "2023-10-30", False),
        (2, 1, "加强政策公开", "加强稳增长信息公开", "任务二", ["市财政局"], "continuous", False),
        (3, 1, "加强政策公开", "加强惠民政策公开", "任务三", ["市教育局", "市人力资源社会保障局"], "monthly", False),
        (4, 1, "加强政策公开", "加强惠民政策公开", "任务四", ["市教育局", "市人力资源社会保障局"], "monthly", True),
        (5, 1, "加强政策公开", "加强惠民政策公开", "任务五", [CENTRE], "2023-06-30", False),
        (6, 2, "加强平台建设", "", "任务六", ["被审计市级部门（单位）"], "2023-09-30", False),
    ]
    assert parsed.notes == ["备注：省政府办公厅对“完成时限”有具体要求的，按照要求执行。"]


# --- .docx ----------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tc(text: str = "", *, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    paragraphs = "".join(f"<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in text.split("\n")) or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _docx(rows: list[list[str]], before: str = "2023年重点工作责任分工表") -> bytes:
    body = f"<w:p><w:r><w:t>附件</w:t></w:r></w:p><w:p><w:r><w:t>{before}</w:t></w:r></w:p>"
    body += "<w:tbl>" + "".join(f"<w:tr>{''.join(r)}</w:tr>" for r in rows) + "</w:tbl>"
    body += "<w:p><w:r><w:t>备注：按省上要求执行。</w:t></w:r></w:p>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def test_a_docx_table_honours_grid_span_and_vertical_merges() -> None:
    # 工作任务 spans two grid columns in the header (group | sub-group), as Word tables do.
    rows = [
        [_tc("序号"), _tc("工作任务", span=2), _tc("重点工作任务"), _tc("责任单位"), _tc("完成时限")],
        [
            _tc("1", vmerge="restart"),
            _tc("加强政策公开", vmerge="restart"),
            _tc("加强稳增长信息公开", vmerge="restart"),
            _tc("任务一"),
            _tc("市发展改革委、各县(市、区)人民政府。", vmerge="restart"),
            _tc("十月底前", vmerge="restart"),
        ],
        [
            _tc(vmerge="continue"),
            _tc(vmerge="continue"),
            _tc(vmerge="continue"),
            _tc("任务二"),
            _tc(vmerge="continue"),
            _tc(vmerge="continue"),
        ],
        [
            _tc(vmerge="continue"),
            _tc(vmerge="continue"),
            _tc("加强惠民政策公开"),
            _tc("任务三"),
            _tc("市政府工作部门"),
            _tc("2023年6月30日"),
        ],
        [_tc("2"), _tc("加强平台建设"), _tc(""), _tc("任务四"), _tc("市政府办公室"), _tc("")],
    ]
    parsed = interpret(read_bytes(_docx(rows), name="表.docx"), year=2023, directory=offline_directory())
    assert not parsed.errors
    assert parsed.title == "2023年重点工作责任分工表"
    assert parsed.notes == ["备注：按省上要求执行。"]
    got = [
        (t.group_no, t.group, t.subgroup, t.text, len(t.units), t.deadline.as_json(), t.inherited) for t in parsed.tasks
    ]
    assert got == [
        (1, "加强政策公开", "加强稳增长信息公开", "任务一", 8, "2023-10-31", False),
        (1, "加强政策公开", "加强稳增长信息公开", "任务二", 8, "2023-10-31", True),
        (1, "加强政策公开", "加强惠民政策公开", "任务三", 31, "2023-06-30", False),
        (2, "加强平台建设", "", "任务四", 1, None, False),
    ]


def test_a_docx_without_a_table_is_refused() -> None:
    empty = _docx([[_tc("无关内容")]])
    with pytest.raises(AnnexError, match="未找到责任分工表"):
        interpret(read_bytes(empty, name="通知.docx"), year=2023, directory=offline_directory())


def test_a_docx_with_entities_is_refused_safely() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "boom">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)
    with pytest.raises(AnnexError, match="无法读取 Word 文件"):
        read_bytes(out.getvalue(), name="坏.docx")
