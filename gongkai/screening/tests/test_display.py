import pytest

from gongkai.screening.display import kind_label, location_label, place_label


@pytest.mark.parametrize(
    ("location", "label"),
    [
        ("body paragraph 3", "正文第3段"),
        ("title paragraph 1", "标题第1段"),
        ("summary paragraph 2", "内容概述第2段"),
        ("body html comment (hidden) paragraph 1", "正文HTML注释（隐藏）第1段"),
        ("paragraph 12", "第12段"),
        ("page 2", "第2页"),
        ("file", "整个文件"),
        ("document paragraph 4", "第4段"),
        ("header1 paragraph 1", "页眉1第1段"),
        ("document table 1 row 2", "表格1第2行"),
        ("comment 0 (hidden)", "批注0（隐藏）"),
        ("footnote 2", "脚注2"),
        ("名单!C5", "工作表“名单”C5单元格"),
        ("备用!B2 (hidden sheet)", "工作表“备用”B2单元格（隐藏工作表）"),
        ("名单!C5 (hidden row, hidden column)", "工作表“名单”C5单元格（隐藏行、隐藏列）"),
        ("'Sheet 1'!A1", "工作表“Sheet 1”A1单元格"),
        ("comment on 名单!A5 (hidden)", "工作表“名单”A5单元格的批注（隐藏）"),
        ("名单 page header", "工作表“名单”页眉"),
        ("名单 text box", "工作表“名单”文本框"),
        ("C5", "C5单元格"),
        ("somewhere new", "somewhere new"),  # unknown forms are shown, never dropped
    ],
)
def test_locations_read_in_chinese(location: str, label: str) -> None:
    assert location_label(location) == label


def test_place_names_the_attachment_and_kinds_have_names() -> None:
    assert place_label("备用!B2 (hidden sheet)", "名单.xlsx") == "附件“名单.xlsx”工作表“备用”B2单元格（隐藏工作表）"
    assert place_label("body paragraph 2") == "正文第2段"
    assert kind_label("id_card") == "身份证号码" and kind_label("unscreenable") == "无法审查"
