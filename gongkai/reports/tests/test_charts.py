"""The SVG charts: well-formed, titled, escaped, scaled by viewBox, with legible colours."""

from xml.etree.ElementTree import Element

import pytest
from defusedxml.ElementTree import fromstring

from gongkai.reports import charts

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> Element:
    root: Element = fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def _title_and_desc(root: Element) -> tuple[str, str]:
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return title.text or "", desc.text or ""


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(colour: str, background: str = "#ffffff") -> float:
    high, low = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.INK, charts.MUTED])
def test_colours_reach_4_5_to_1_on_white(colour: str) -> None:
    assert contrast(colour) >= 4.5


def test_contrast_helper_is_right() -> None:
    assert contrast("#000000") == pytest.approx(21)
    assert contrast("#ffffff") == pytest.approx(1)


def test_bar_chart_is_titled_scaled_and_proportional() -> None:
    root = _parse(
        charts.bar_chart(
            chart_id="c1",
            title="按时答复率",
            labels=["通川区", "达川区"],
            values=[0.5, 1.0],
            value_label=charts.percent,
            maximum=1,
        )
    )
    title, desc = _title_and_desc(root)
    assert title == "按时答复率"
    assert "通川区：50.0%" in desc and "达川区：100.0%" in desc
    assert root.get("viewBox", "").startswith(f"0 0 {charts.WIDTH} ")
    assert root.get("width") is None  # scales with its container
    assert root.get("role") == "img"
    widths = [float(r.get("width", "0")) for r in root.iter(f"{NS}rect")]
    assert len(widths) == 2
    assert widths[0] == pytest.approx(widths[1] / 2, abs=0.1)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "50.0%" in texts and "100.0%" in texts


def test_bar_chart_tells_no_data_from_zero() -> None:
    root = _parse(charts.bar_chart(chart_id="c2", title="t", labels=["甲", "乙"], values=[None, 0]))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts.count("无数据") == 1
    assert "0" in texts
    _, desc = _title_and_desc(root)
    assert "甲：无数据" in desc and "乙：0" in desc


def test_bar_chart_shows_at_most_max_bars_and_says_so() -> None:
    labels = [f"机构{i}" for i in range(charts.MAX_BARS + 5)]
    root = _parse(charts.bar_chart(chart_id="c3", title="t", labels=labels, values=list(range(len(labels)))))
    assert len(list(root.iter(f"{NS}rect"))) == charts.MAX_BARS
    assert "另有 5 项见表格" in _title_and_desc(root)[1]


def test_empty_charts_are_valid_and_say_why() -> None:
    for svg in (
        charts.bar_chart(chart_id="e1", title="t", labels=[], values=[], empty="没有逾期"),
        charts.stacked_bar_chart(
            chart_id="e2", title="t", labels=["全部"], series=[charts.Series("甲", [0])], empty="没有逾期"
        ),
    ):
        root = _parse(svg)
        assert "没有逾期" in [t.text for t in root.iter(f"{NS}text")]
        assert "没有逾期" in _title_and_desc(root)[1]


def test_labels_are_escaped() -> None:
    svg = charts.bar_chart(chart_id="x", title="<b>&", labels=['<script>alert("x")</script>'], values=[1])
    assert "<script>" not in svg
    root = _parse(svg)
    assert _title_and_desc(root)[0] == "<b>&"


def test_long_labels_are_shortened_within_the_width() -> None:
    name = "达州市达川区石桥镇人民政府" * 4
    root = _parse(charts.bar_chart(chart_id="l", title="t", labels=[name], values=[3]))
    label = next(t.text or "" for t in root.iter(f"{NS}text") if (t.text or "").startswith("达州"))
    assert label.endswith("…")
    assert charts._text_width(label) <= charts.WIDTH
    group = root.find(f"{NS}g")
    assert group is not None
    group_title = group.find(f"{NS}title")
    assert group_title is not None and name in (group_title.text or "")  # the full name on hover


def test_stacked_bar_splits_the_whole_width_by_share() -> None:
    series = [charts.Series("予以公开", [6]), charts.Series("部分公开", [0]), charts.Series("不予公开", [2])]
    root = _parse(charts.stacked_bar_chart(chart_id="s", title="办理结果", labels=["全部"], series=series))
    segments = [r for r in root.iter(f"{NS}rect") if r.get("stroke") == "#fff"]
    assert [float(r.get("width", "0")) for r in segments] == [270, 90]
    assert {r.get("fill") for r in segments} == {charts.PALETTE[0], charts.PALETTE[2]}
    _, desc = _title_and_desc(root)
    assert "全部（共 8）：予以公开 6，不予公开 2" in desc
    legend = [t.text for t in root.iter(f"{NS}text")]
    assert "部分公开 0" in legend and "予以公开 6" in legend


def test_line_chart_draws_every_month_with_distinct_markers() -> None:
    months = [f"{m}月" for m in range(1, 13)]
    series = [charts.Series("收到申请", list(range(12))), charts.Series("答复", [1] * 12)]
    root = _parse(charts.line_chart(chart_id="m", title="按月", categories=months, series=series))
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 2
    assert [len((p.get("points") or "").split()) for p in lines] == [12, 12]
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert len(list(root.iter(f"{NS}circle"))) == 12 + 1  # markers and the legend's
    assert "1月" in [t.text for t in root.iter(f"{NS}text")]
    _, desc = _title_and_desc(root)
    assert "收到申请（合计 66件）" in desc and "12月 11" in desc
    # The y axis ends at a round number above the peak (11 → 20).
    assert "20" in [t.text for t in root.iter(f"{NS}text")]


def test_line_chart_of_zeros_is_valid() -> None:
    root = _parse(
        charts.line_chart(chart_id="z", title="t", categories=["1月"], series=[charts.Series("收到申请", [0])])
    )
    assert _title_and_desc(root)[1].endswith("1月 0")


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (11, 20), (20, 20), (21, 25), (130, 200), (0.4, 1)]
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == expected


def test_percent() -> None:
    assert charts.percent(0.9534) == "95.3%"
    assert charts.percent(1) == "100.0%"


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (0.5, 1), (1, 1), (1.25, 2), (2.75, 5), (6, 10), (11, 20), (30, 50)]
)
def test_nice_step(value: float, expected: float) -> None:
    assert charts.nice_step(value) == expected


def test_line_chart_grid_steps_are_whole_numbers() -> None:
    root = _parse(
        charts.line_chart(
            chart_id="g", title="t", categories=["1月", "2月"], series=[charts.Series("收到申请", [1, 2])]
        )
    )
    labels = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert labels == ["0", "1", "2", "3", "4"]
