import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gongkai.core.tests.fixtures import Tree
from gongkai.screening.corpus import make_docx, make_pdf
from gongkai.screening.detectors import id_check_digit

ID = "51170219900101123" + id_check_digit("51170219900101123")
KEYS = {"file", "kind", "value_masked", "location", "severity", "rule"}


def screen(*args: str) -> tuple[int, list[dict[str, str]]]:
    out = StringIO()
    try:
        call_command("screen", *args, stdout=out, stderr=StringIO())
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_lines_and_exit_status_1_on_blocking_findings(db: None, tmp_path: Path) -> None:
    doc = tmp_path / "名单.docx"
    doc.write_bytes(make_docx(["公示", ["姓名", "身份证号码"], ["张三", ID]]))
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(make_pdf([[]]))
    code, rows = screen(str(doc), str(pdf))
    assert code == 1
    assert all(set(row) == KEYS for row in rows)
    assert {
        "file": str(doc),
        "kind": "id_card",
        "value_masked": "5117**********" + ID[-4:],
        "location": "document table 1 row 2",
        "severity": "block",
        "rule": "id_card.gb11643",
    } in rows
    assert {"file": str(doc), "kind": "name", "value_masked": "张*", "location": "document table 1 row 2",
            "severity": "block", "rule": "name.adjacent"} in rows  # fmt: skip
    assert [r["rule"] for r in rows if r["file"] == str(pdf)] == ["unscreenable.scanned_page"]
    assert ID not in json.dumps(rows, ensure_ascii=False)  # never the unmasked value


def test_clean_or_warning_only_files_exit_0(db: None, tmp_path: Path) -> None:
    clean = tmp_path / "通知.txt"
    clean.write_text("达市府办发〔2022〕37号\n2022年5月26日\n邮政编码：635000\n", encoding="utf-8")
    assert screen(str(clean)) == (0, [])
    warn = tmp_path / "联系.txt"
    warn.write_text("联系电话：0817-2223344\n", encoding="utf-8")
    code, rows = screen(str(warn))
    assert code == 0
    assert [r["kind"] for r in rows] == ["landline"]


def test_org_option_ignores_the_bodys_own_phone(tree: Tree, tmp_path: Path) -> None:
    org = tree.tongchuan
    org.phone = "0817-2223344"
    org.save()
    path = tmp_path / "联系.txt"
    path.write_text("联系电话：0817-2223344\n", encoding="utf-8")
    assert screen(str(path), "--org", "通川区") == (0, [])


def test_unreadable_file_blocks(db: None, tmp_path: Path) -> None:
    code, rows = screen(str(tmp_path / "missing.pdf"))
    assert code == 1
    assert rows[0]["kind"] == "unscreenable"


@pytest.mark.parametrize("name", ["a.xls", "a.docx"])
def test_bad_files_block(db: None, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"not really a document")
    code, rows = screen(str(path))
    assert code == 1
    assert [r["kind"] for r in rows] == ["unscreenable"]
