"""An independent ledger (fixtures/ledger_2023_2025.{csv,xlsx}: 60 requests over 2023–2026,
every requester type, every result sub-row, requests carried over one and two year ends, reviews
of every kind and outcome) imported with `gongkai requests import` and reported with
`gongkai report annual --format json`, compared cell by cell with tables counted BY HAND from the
ledger (the literal dicts below are not computed by the code under test).

How the expected figures were counted (DOMAIN.md "The annual report", issue #7):
一 received in the year; 二 received before 1 January and not replied before it; 三 replied in the
year by requester type and result; 四 received by 31 December and not replied by it. Table IV: a
review counts in the year of the reply it contests (the ledger carries no filing date).
"""

import io
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.models import OrganisationKind
from gongkai.core.tests.factories import make_org
from gongkai.requests.models import DisclosureRequest, ReviewRecord

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other", "total")
ROWS = (
    "new",
    "carried_over",
    "disclosed",
    "partly_disclosed",
    *(f"withheld_{n}" for n in range(1, 9)),
    *(f"cannot_provide_{n}" for n in range(1, 4)),
    *(f"not_processed_{n}" for n in range(1, 6)),
    *(f"other_{n}" for n in range(1, 4)),
    "total",
    "carried_forward",
)


def _row(
    np: int = 0, co: int = 0, re: int = 0, pi: int = 0, ls: int = 0, ot: int = 0, total: int = 0
) -> dict[str, int]:
    return dict(zip(COLUMNS, (np, co, re, pi, ls, ot, total), strict=True))


def _table3(**rows: dict[str, int]) -> dict[str, dict[str, int]]:
    return {key: rows.get(key, _row()) for key in ROWS}


# 2025, counted from the ledger by hand.
# 一: R-C01…R-C42 (NP 16, CO 7, RE 5, PI 5, LS 5, OT 4).
# 二: R-A04 (RE, received 2023, replied 2025), R-B07 (NP), R-B08 (CO), R-B09 (RE, received 12-31).
# 三: the 4 carried over + 36 of R-C (all but C30, C31, C33, C36 open and C32, C34 replied in 2026).
# 四: R-C30, R-C36 (NP), R-C31 (CO), R-C33 (PI), R-C32 (LS, replied 2026-01-05), R-C34 (OT, replied 2026-01-10).
EXPECTED_2025 = _table3(
    new=_row(16, 7, 5, 5, 5, 4, 42),
    carried_over=_row(1, 1, 2, 0, 0, 0, 4),
    # B07, C01, C02, C23, C29, C37, C39 / C27 / C24, C41 / C26
    disclosed=_row(7, 1, 2, 0, 0, 1, 11),
    # C03 / C40 / C35 / C25 / C22
    partly_disclosed=_row(1, 1, 1, 1, 1, 0, 5),
    withheld_1=_row(co=1, total=1),  # C04
    withheld_2=_row(co=1, total=1),  # C05
    withheld_3=_row(re=1, total=1),  # C06
    withheld_4=_row(pi=1, total=1),  # C07 (C34 is replied in 2026)
    withheld_5=_row(ls=1, total=1),  # C08
    withheld_6=_row(co=1, ot=1, total=2),  # B08 carried over, C09
    withheld_7=_row(np=1, total=1),  # C10
    withheld_8=_row(np=1, ls=1, total=2),  # C11, C38
    cannot_provide_1=_row(co=1, re=1, total=2),  # C12, A04 carried over twice
    cannot_provide_2=_row(re=1, total=1),  # C13
    cannot_provide_3=_row(np=1, total=1),  # C14
    not_processed_1=_row(np=1, total=1),  # C15
    not_processed_2=_row(pi=2, total=2),  # C16, C42
    not_processed_3=_row(ls=1, total=1),  # C17
    not_processed_4=_row(ot=1, total=1),  # C18
    not_processed_5=_row(np=1, total=1),  # C19
    other_1=_row(co=1, total=1),  # C20
    other_2=_row(np=1, re=1, total=2),  # C28 (replied 12-31), B09 carried over
    other_3=_row(np=1, total=1),  # C21
    total=_row(15, 7, 7, 4, 4, 3, 40),
    carried_forward=_row(2, 1, 0, 1, 1, 1, 6),
)

# 2024. 一: R-B01…R-B11 (NP B01 B02 B07 B10, CO B03 B08, RE B09, PI B04 B11, LS B06, OT B05).
# 二: R-A03 (NP, replied 2024-01-10), R-A04 (RE). 四: A04, B07, B08, B09 (B10 replied on 12-31).
EXPECTED_2024 = _table3(
    new=_row(4, 2, 1, 2, 1, 1, 11),
    carried_over=_row(np=1, re=1, total=2),
    disclosed=_row(np=3, pi=1, total=4),  # A03, B01, B10 / B11
    partly_disclosed=_row(np=1, total=1),  # B02
    withheld_3=_row(ot=1, total=1),  # B05
    cannot_provide_2=_row(ls=1, total=1),  # B06
    not_processed_2=_row(co=1, total=1),  # B03
    other_1=_row(pi=1, total=1),  # B04
    total=_row(4, 1, 0, 2, 1, 1, 9),
    carried_forward=_row(1, 1, 2, 0, 0, 0, 4),
)

# 2023. 一: A01 A03 (NP), A02 (CO), A04 (RE), A05 (LS). 四: A03, A04.
EXPECTED_2023 = _table3(
    new=_row(np=2, co=1, re=1, ls=1, total=5),
    disclosed=_row(np=1, total=1),  # A01
    partly_disclosed=_row(ls=1, total=1),  # A05
    withheld_4=_row(co=1, total=1),  # A02
    total=_row(np=1, co=1, ls=1, total=3),
    carried_forward=_row(np=1, re=1, total=2),
)


def _t4(upheld: int = 0, corrected: int = 0, other: int = 0, pending: int = 0) -> dict[str, int]:
    return {
        "upheld": upheld,
        "corrected": corrected,
        "other": other,
        "pending": pending,
        "total": upheld + corrected + other + pending,
    }


EXPECTED_T4 = {
    # C03 维持, C04 纠正, C27 其他, C25 尚未审结 / C07, C38, C10, C29 / C37, C18, C26, C22
    2025: {
        "reconsideration": _t4(1, 1, 1, 1),
        "litigation_direct": _t4(1, 1, 1, 1),
        "litigation_after_reconsideration": _t4(1, 1, 1, 1),
    },
    # B11 其他 / — / B05 尚未审结
    2024: {
        "reconsideration": _t4(other=1),
        "litigation_direct": _t4(),
        "litigation_after_reconsideration": _t4(pending=1),
    },
    # A02 维持 / A05 纠正
    2023: {
        "reconsideration": _t4(upheld=1),
        "litigation_direct": _t4(corrected=1),
        "litigation_after_reconsideration": _t4(),
    },
}
EXPECTED_T3 = {2023: EXPECTED_2023, 2024: EXPECTED_2024, 2025: EXPECTED_2025}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        yield


def _import(path: Path, org_id: int) -> str:
    out = io.StringIO()
    call_command("requests", "import", str(path), "--org", str(org_id), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _report(org_id: int, year: int, *extra: str) -> dict:
    out = io.StringIO()
    call_command(
        "report", "annual", "--org", str(org_id), "--year", str(year), "--format", "json", *extra,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return json.loads(out.getvalue())


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_cell_of_three_years_matches_the_hand_count(suffix: str) -> None:
    org = make_org()
    assert "新增 60 条" in _import(FIXTURES / f"ledger_2023_2025.{suffix}", org.pk)
    for year in (2023, 2024, 2025):
        data = _report(org.pk, year)
        assert list(data["table3"]) == list(ROWS)
        for row in ROWS:
            for column in COLUMNS:
                assert data["table3"][row][column] == EXPECTED_T3[year][row][column], (year, row, column)
        assert data["table4"] == EXPECTED_T4[year], year
        failing = [c for c in data["checks"] if not c["ok"]]
        assert failing == [], failing
        # 二 = last year's 四 was among the checks (2023 compares with a recomputed, empty 2022).
        assert any("上年" in c["rule"] for c in data["checks"])


def test_csv_and_xlsx_give_the_same_report_and_reimport_does_not_duplicate() -> None:
    by_csv, by_xlsx = make_org(), make_org()
    _import(FIXTURES / "ledger_2023_2025.csv", by_csv.pk)
    _import(FIXTURES / "ledger_2023_2025.xlsx", by_xlsx.pk)
    assert "新增 0 条" in _import(FIXTURES / "ledger_2023_2025.csv", by_csv.pk)
    assert DisclosureRequest.objects.filter(organisation=by_csv).count() == 60
    assert ReviewRecord.objects.filter(request__organisation=by_csv).count() == 16
    for year in (2023, 2024, 2025):
        assert _report(by_csv.pk, year) == _report(by_xlsx.pk, year)


def test_a_body_next_to_the_ledger_gets_zeros_and_the_ledger_is_not_mixed_in() -> None:
    org, neighbour = make_org(), make_org()
    _import(FIXTURES / "ledger_2023_2025.csv", org.pk)
    data = _report(neighbour.pk, 2025)
    assert all(v == 0 for row in data["table3"].values() for v in row.values())
    assert all(v == 0 for row in data["table4"].values() for v in row.values())
    assert all(c["ok"] for c in data["checks"])


def _grid_numbers(rows: list[list], first: int, width: int) -> list[list[int]]:
    """The number cells of Table III: the last ``width`` cells of ``first`` … ``first + 24``."""
    return [[int(c) for c in row[-width:]] for row in rows[first : first + len(ROWS)]]


def _expected_grid(year: int) -> list[list[int]]:
    return [[EXPECTED_T3[year][row][column] for column in COLUMNS] for row in ROWS]


def test_html_docx_and_xlsx_carry_the_hand_counted_cells(tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    org = make_org("达州市核对局")
    _import(FIXTURES / "ledger_2023_2025.xlsx", org.pk)
    for fmt in ("html", "docx", "xlsx"):
        call_command(
            "report", "annual", "--org", str(org.pk), "--year", "2025", "--format", fmt,
            "--output", str(tmp_path / f"r.{fmt}"), stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    expected = _expected_grid(2025)
    t4 = [
        EXPECTED_T4[2025][kind][col]
        for kind in EXPECTED_T4[2025]
        for col in ("upheld", "corrected", "other", "pending", "total")
    ]

    workbook = load_workbook(tmp_path / "r.xlsx")
    assert [s.title for s in workbook.worksheets] == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
    sheet3 = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert sheet3[0][0] == "达州市核对局2025年政府信息公开工作年度报告（2021年版）"
    numbers = [row[-7:] for row in sheet3 if isinstance(row[-1], int)]
    assert numbers == expected  # numbers as numbers, in the form's row order
    assert list(list(workbook.worksheets[2].iter_rows(values_only=True))[-1]) == t4

    document = Document(str(tmp_path / "r.docx"))
    assert len(document.tables) == 3
    cells = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert _grid_numbers(cells, 3, 7) == expected
    assert [r[0] for r in cells[3:5]] == ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]
    assert [int(c.text) for c in document.tables[2].rows[-1].cells] == t4
    text = "\n".join(p.text for p in document.paragraphs)
    assert "本年新收政府信息公开申请42件，上年结转4件，办结40件，结转下年度继续办理6件" in text

    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and 'name="viewport"' in page
    table3 = page.split("<table>")[2].split("</table>")[0]
    html_rows = [re.findall(r"<td[^>]*>(\d+)</td>", tr) for tr in table3.split("<tr>")]
    assert [[int(n) for n in r] for r in html_rows if r] == expected


def test_a_government_with_its_departments_sums_every_cell() -> None:
    government = make_org("达州市测试区人民政府", kind=OrganisationKind.GOVERNMENT)
    department = make_org("达州市测试区教育局", parent=government)
    office = make_org("达州市测试区某街道", parent=department, kind=OrganisationKind.TOWNSHIP)
    elsewhere = make_org("达州市另一区人民政府", kind=OrganisationKind.GOVERNMENT)
    for body in (department, office, elsewhere):
        _import(FIXTURES / "ledger_2023_2025.csv", body.pk)
    for year in (2023, 2024, 2025):
        alone = _report(government.pk, year)
        assert all(v == 0 for row in alone["table3"].values() for v in row.values())
        together = _report(government.pk, year, "--with-departments")
        assert together["table3"] == {r: {c: 2 * n for c, n in cols.items()} for r, cols in EXPECTED_T3[year].items()}
        assert together["table4"] == {k: {c: 2 * n for c, n in v.items()} for k, v in EXPECTED_T4[year].items()}
        assert all(c["ok"] for c in together["checks"])
        assert _report(department.pk, year, "--with-departments")["table3"] == together["table3"]


# A 2019–2021 ledger: 2019 and 2020 in the 2019 format (one 其他处理 row), 2021 in the 2021 format.
LEDGER_2019 = """\
申请编号,申请人类型,提交方式,收到日期,申请内容,办理结果,结果细类,答复日期,是否延期,复议诉讼,复议诉讼结果
S01,自然人,网上申请,2019-06-01,2019年公开,予以公开,,2019-06-20,否,,
S02,商业企业,信函申请,2019-12-25,2019年收到2020年逾期未缴费,其他处理,其他处理-2,2020-02-10,否,,
S03,科研机构,网上申请,2020-03-02,逾期不补正,其他处理,其他处理-1,2020-04-01,否,,
S04,其他,电子邮件,2020-05-06,撤回,其他处理,其他处理-3,2020-05-08,否,,
S05,自然人,当面申请,2020-06-01,其他法律法规禁止,不予公开,不予公开-2,2020-06-20,否,行政复议,维持
S06,法律服务机构,网上申请,2020-12-28,2020年收到2021年撤回,其他处理,其他处理-3,2021-01-05,否,,
S07,社会公益组织,网上申请,2021-02-01,2021年逾期不补正,其他处理,其他处理-1,2021-02-20,否,,
"""
ROWS_2019 = (*ROWS[:-5], "other", "total", "carried_forward")


def test_2019_and_2020_use_the_2019_format_and_2021_carries_over_from_it(tmp_path: Path) -> None:
    org = make_org()
    path = tmp_path / "ledger.csv"
    path.write_text(LEDGER_2019, encoding="utf-8")
    _import(path, org.pk)
    y2019, y2020, y2021 = (_report(org.pk, year) for year in (2019, 2020, 2021))
    assert list(y2019["table3"]) == list(ROWS_2019) == list(y2020["table3"])
    assert list(y2021["table3"]) == list(ROWS)
    zero = _row()
    assert y2019["table3"] == dict.fromkeys(ROWS_2019, zero) | {
        "new": _row(np=1, co=1, total=2),
        "disclosed": _row(np=1, total=1),
        "total": _row(np=1, total=1),
        "carried_forward": _row(co=1, total=1),
    }
    assert y2020["table3"] == dict.fromkeys(ROWS_2019, zero) | {
        "new": _row(np=1, re=1, ls=1, ot=1, total=4),
        "carried_over": _row(co=1, total=1),
        "withheld_2": _row(np=1, total=1),
        "other": _row(co=1, re=1, ot=1, total=3),  # 其他处理-2, -1, -3 in one row
        "total": _row(np=1, co=1, re=1, ot=1, total=4),
        "carried_forward": _row(ls=1, total=1),
    }
    assert y2021["table3"] == dict.fromkeys(ROWS, zero) | {
        "new": _row(pi=1, total=1),
        "carried_over": _row(ls=1, total=1),
        "other_1": _row(pi=1, total=1),
        "other_3": _row(ls=1, total=1),
        "total": _row(pi=1, ls=1, total=2),
    }
    assert y2020["table4"]["reconsideration"]["upheld"] == 1
    assert set(y2020["table2"]) == {"rules", "normative", "licensing", "penalty", "enforcement", "fees", "procurement"}
    assert set(y2020["table2"]["normative"]) == {"made", "published", "total_public"}
    assert "procurement" not in y2021["table2"]
    for data in (y2019, y2020, y2021):
        assert data["checks"] and all(c["ok"] for c in data["checks"])
    call_command(
        "report", "annual", "--org", str(org.pk), "--year", "2020", "--format", "xlsx",
        "--output", str(tmp_path / "r.xlsx"), stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    from openpyxl import load_workbook

    sheet = [list(r) for r in load_workbook(tmp_path / "r.xlsx").worksheets[1].iter_rows(values_only=True)]
    assert "（2019年版）" in sheet[0][0]
    assert [r[-7:] for r in sheet if r[1] == "（六）其他处理"] == [[0, 1, 1, 0, 0, 1, 3]]


def test_a_year_without_data_is_all_zero_and_a_future_year_is_refused() -> None:
    org = make_org()
    _import(FIXTURES / "ledger_2023_2025.csv", org.pk)
    empty = _report(org.pk, 2022)
    assert all(v == 0 for row in empty["table3"].values() for v in row.values())
    assert all(c["ok"] for c in empty["checks"])
    # The current year may be prepared: 2026 so far (R-D01 open, R-D02 replied; 2025's six carried over).
    now = _report(org.pk, 2026)
    assert now["table3"]["new"]["total"] == 2 and now["table3"]["carried_over"] == EXPECTED_2025["carried_forward"]
    assert now["table3"]["total"]["total"] == 3  # R-C32, R-C34 and R-D02
    with pytest.raises(CommandError, match="2027年度尚未到来"):
        _report(org.pk, 2027)
