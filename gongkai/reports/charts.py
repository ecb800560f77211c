"""Server-rendered SVG charts: no script, no chart library, no CDN.

Every chart is built with ElementTree (so it is well-formed XML and every label is escaped)
and is accessible on its own terms:

* ``role="img"`` with a ``<title>`` and a ``<desc>`` that states the figures in words; the
  page shows the same numbers in a table beside it;
* colours reach at least 4.5:1 against white, neighbouring segments are separated by a white
  gap, and the series of a line chart differ in dash and marker too, not in colour only;
* the drawing is 360 units wide and scales with its ``viewBox``: on a 360 px phone the text is
  drawn at about its nominal size (FONT units, 13–14 px), and the page's CSS caps the width in
  ``em``/``rem`` so that larger text (长者模式, the browser's font size) gives a larger chart.
"""

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 360
FONT = 15
#: The staff workspace's font stack (staff.css), so that a chart reads like the page around it.
FONT_FAMILY = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
INK = "#1f2328"
MUTED = "#57606a"  # 6.3:1 on white
GRID = "#d0d7de"  # decorative only: values are read from labels and the table

#: Series colours, each at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 for graphics).
PALETTE = (
    "#0b57d0",  # blue 5.9:1
    "#9b1c1c",  # red 8.3:1
    "#1a6b2f",  # green 6.6:1
    "#8a5a00",  # brown 5.6:1
    "#6a1b9a",  # purple 9.0:1
    "#37474f",  # slate 9.9:1
    "#00695c",  # teal 6.4:1
)
#: Line styles of the series of a line chart, by position (colour, dash, marker).
DASHES = ("", "6 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")

#: At most this many bars in a bar chart; the table below lists every row.
MAX_BARS = 15


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[float]


def _text_width(text: str, size: float = FONT) -> float:
    """An estimate of the drawn width: CJK characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _shorten(text: str, width: float, size: float = FONT) -> str:
    if _text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if _text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is >= value (at least 1): the axis maximum."""
    if value <= 1:
        return 1
    power = float(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (10 × power always suffices)


def nice_step(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is >= value (at least 1): a whole-number grid step."""
    step = 1.0
    while step < value:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 …
            step *= factor
            if step >= value:
                break
    return step


def _svg(chart_id: str, height: float, title: str, desc: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {_n(height)}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "id": chart_id,
            "font-size": str(FONT),
            "font-family": FONT_FAMILY,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = desc
    return svg


def _n(value: float) -> str:
    """Coordinates with at most one decimal place."""
    return _fmt(round(value, 1))


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), "fill": INK, **attrs})
    element.text = text
    return element


def _render(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 (built by ElementTree: escaped)


def _empty(svg: ET.Element, y: float, message: str) -> SafeString:
    _text(svg, WIDTH / 2, y, message, **{"text-anchor": "middle", "fill": MUTED})
    return _render(svg)


# --- horizontal bars --------------------------------------------------------------------


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    value_label: Callable[[float], str] = _fmt,
    maximum: float | None = None,
    colour: str = PALETTE[0],
    empty: str = "无数据",
) -> SafeString:
    """One horizontal bar per label (label above its bar, value at its end), at most MAX_BARS.
    ``None`` is "no data" (written, no bar), distinct from 0. ``maximum`` fixes the scale
    (1 for rates); otherwise it is the largest value rounded up."""
    rows = list(zip(labels, values, strict=True))[:MAX_BARS]
    row_height = FONT * 3.2
    top = 8
    height = top + max(len(rows), 1) * row_height + 8
    shown = "；".join(f"{label}：{'无数据' if v is None else value_label(v)}" for label, v in rows)
    more = f"（另有 {len(labels) - len(rows)} 项见表格）" if len(labels) > len(rows) else ""
    svg = _svg(chart_id, height, title, f"{title}。{shown}{more}" if rows else f"{title}。{empty}")
    if not rows:
        return _empty(svg, top + row_height / 2, empty)
    known = [v for _, v in rows if v is not None]
    scale_max = maximum if maximum is not None else nice_ceiling(max(known, default=0))
    value_room = _text_width("100.0%") + 8
    bar_width = WIDTH - value_room - 4
    for i, (label, value) in enumerate(rows):
        y = top + i * row_height
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = f"{label}：{'无数据' if value is None else value_label(value)}"
        _text(group, 0, y + FONT, _shorten(label, WIDTH))
        bar_y = y + FONT * 1.45
        bar_h = FONT * 1.2
        if value is None:
            _text(group, 0, bar_y + FONT, "无数据", fill=MUTED)
            continue
        length = bar_width * (value / scale_max) if scale_max else 0
        ET.SubElement(
            group,
            "rect",
            {"x": "0", "y": _n(bar_y), "width": _n(max(length, 0)), "height": _n(bar_h), "fill": colour},
        )
        _text(group, length + 4, bar_y + FONT * 0.95, value_label(value))
    return _render(svg)


# --- stacked horizontal bars --------------------------------------------------------------


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    empty: str = "无数据",
) -> SafeString:
    """One 100 % bar per label, split into the series' shares (a result mix), with a legend.
    A segment wide enough carries its count; the legend gives each series' total."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    rows = [(label, i) for i, label in enumerate(labels) if totals[i] > 0][:MAX_BARS]
    legend_rows = math.ceil(len(series) / 2)
    row_height = FONT * 3.2
    top = 8
    bars_height = max(len(rows), 1) * row_height
    height = top + bars_height + 10 + legend_rows * FONT * 1.7 + 6
    parts = []
    for label, i in rows:
        shares = "，".join(f"{s.label} {_fmt(s.values[i])}" for s in series if s.values[i])
        parts.append(f"{label}（共 {_fmt(totals[i])}）：{shares}")
    desc = f"{title}。" + ("；".join(parts) if parts else empty)
    svg = _svg(chart_id, height, title, desc)
    if not rows:
        _empty(svg, top + row_height / 2, empty)
    for n, (label, i) in enumerate(rows):
        y = top + n * row_height
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = parts[n]
        _text(group, 0, y + FONT, _shorten(label, WIDTH))
        bar_y = y + FONT * 1.45
        bar_h = FONT * 1.4
        x = 0.0
        for k, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            width = WIDTH * value / totals[i]
            segment = ET.SubElement(
                group,
                "rect",
                {
                    "x": _n(x),
                    "y": _n(bar_y),
                    "width": _n(width),
                    "height": _n(bar_h),
                    "fill": PALETTE[k % len(PALETTE)],
                    "stroke": "#fff",
                    "stroke-width": "1.5",
                },
            )
            ET.SubElement(segment, "title").text = f"{label} · {s.label}：{_fmt(value)}"
            count = _fmt(value)
            if _text_width(count) + 6 <= width:
                _text(group, x + width / 2, bar_y + FONT * 1.05, count, fill="#fff", **{"text-anchor": "middle"})
            x += width
    # Legend: two columns, swatch and label with the series total.
    legend_top = top + bars_height + 10
    for k, s in enumerate(series):
        column, line = k % 2, k // 2
        x = column * WIDTH / 2
        y = legend_top + line * FONT * 1.7
        ET.SubElement(
            svg,
            "rect",
            {"x": _n(x), "y": _n(y), "width": str(FONT), "height": str(FONT), "fill": PALETTE[k % len(PALETTE)]},
        )
        total = sum(s.values[i] for _, i in rows)
        _text(svg, x + FONT + 5, y + FONT * 0.9, _shorten(f"{s.label} {_fmt(total)}", WIDTH / 2 - FONT - 8))
    return _render(svg)


# --- lines by month -----------------------------------------------------------------------


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "件",
) -> SafeString:
    """Lines over the categories (months), one per series, each with its own colour, dash and
    marker; y axis from 0 to a round maximum with four grid lines; a legend on top."""
    legend_height = FONT * 1.8
    top = legend_height + FONT
    plot_height = 150.0
    left = _text_width("0000") + 6
    right = 10.0
    bottom = FONT * 2.2
    height = top + plot_height + bottom
    desc_parts = []
    for s in series:
        values = "，".join(f"{c} {_fmt(v)}" for c, v in zip(categories, s.values, strict=True))
        desc_parts.append(f"{s.label}（合计 {_fmt(sum(s.values))}{unit}）：{values}")
    svg = _svg(chart_id, height, title, f"{title}。" + "；".join(desc_parts))
    # Legend.
    x = 0.0
    for k, s in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        line_attrs = {"x1": _n(x), "y1": _n(FONT * 0.6), "x2": _n(x + 24), "y2": _n(FONT * 0.6)}
        ET.SubElement(svg, "line", {**line_attrs, "stroke": colour, "stroke-width": "2.5", **_dash(dash)})
        _marker(svg, MARKERS[k % len(MARKERS)], x + 12, FONT * 0.6, colour)
        _text(svg, x + 30, FONT * 1.05, s.label)
        x += 30 + _text_width(s.label) + 16
    n = len(categories)
    peak = max((v for s in series for v in s.values), default=0)
    scale_max = 4 * nice_step(peak / 4)  # four grid steps of a whole, round number
    plot_width = WIDTH - left - right

    def px(i: int) -> float:
        return left + (plot_width * (i + 0.5) / n if n else 0)

    def py(v: float) -> float:
        return top + plot_height * (1 - v / scale_max)

    for t in range(5):
        value = scale_max * t / 4
        y = py(value)
        ET.SubElement(svg, "line", {"x1": _n(left), "y1": _n(y), "x2": _n(WIDTH - right), "y2": _n(y), "stroke": GRID})
        _text(svg, left - 4, y + FONT * 0.35, _fmt(value), fill=MUTED, **{"text-anchor": "end"})
    # Category labels, thinned so that they never overlap.
    widest = max((_text_width(c) for c in categories), default=0)
    step = max(1, math.ceil((widest + 4) / (plot_width / n))) if n else 1
    for i, category in enumerate(categories):
        if i % step == 0:
            _text(svg, px(i), top + plot_height + FONT * 1.4, category, **{"text-anchor": "middle", "fill": MUTED})
    for k, s in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        points = " ".join(f"{_n(px(i))},{_n(py(v))}" for i, v in enumerate(s.values))
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = desc_parts[k]
        if len(s.values) > 1:
            ET.SubElement(
                group,
                "polyline",
                {"points": points, "fill": "none", "stroke": colour, "stroke-width": "2.5", **_dash(dash)},
            )
        for i, v in enumerate(s.values):
            mark = _marker(group, MARKERS[k % len(MARKERS)], px(i), py(v), colour)
            ET.SubElement(mark, "title").text = f"{categories[i]} {s.label}：{_fmt(v)}{unit}"
    return _render(svg)


def _dash(dash: str) -> dict[str, str]:
    return {"stroke-dasharray": dash} if dash else {}


def _marker(parent: ET.Element, shape: str, x: float, y: float, colour: str) -> ET.Element:
    r = 4.0
    if shape == "circle":
        return ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": _n(r), "fill": colour})
    if shape == "square":
        return ET.SubElement(
            parent,
            "rect",
            {"x": _n(x - r), "y": _n(y - r), "width": _n(2 * r), "height": _n(2 * r), "fill": colour},
        )
    if shape == "triangle":
        points = f"{_n(x)},{_n(y - r - 1)} {_n(x + r + 1)},{_n(y + r)} {_n(x - r - 1)},{_n(y + r)}"
    else:  # diamond
        points = f"{_n(x)},{_n(y - r - 1)} {_n(x + r + 1)},{_n(y)} {_n(x)},{_n(y + r + 1)} {_n(x - r - 1)},{_n(y)}"
    return ET.SubElement(parent, "polygon", {"points": points, "fill": colour})


def percent(value: float) -> str:
    """0.953 → "95.3%"."""
    return f"{value * 100:.1f}%"
