"""The two national templates of the annual report, versioned by report year.

- 2021 format (国办公开办函〔2021〕30号), report years 2021 onward.
- 2019 format (report years 2019 and 2020, after the revised 条例 came into force on 2019-05-15):
  Table II counts 规章/规范性文件 as 本年新制作 / 本年新公开 / 对外公开总数量 and adds 第二十条第（九）项
  政府集中采购; Table III has no sub-rows under （六）其他处理.

Everything a renderer needs to lay a table out (row keys, labels, numbering) is here, so the
HTML, .docx and .xlsx outputs and the reconciliation checks read the same definitions.
"""

from dataclasses import dataclass

#: The first year of the revised 条例's reports; earlier years used the 2008 template.
FIRST_YEAR = 2019
F2019 = "2019"
F2021 = "2021"


def format_for_year(year: int) -> str:
    return F2021 if year >= 2021 else F2019


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    #: The row's number as printed on the form: "一", "（一）", "1".
    number: str
    label: str
    #: 0 top row (一、二、四), 1 item of 三, 2 sub-item.
    level: int
    #: The cell name prefix used by the checks, e.g. "第三行第（五）项第2小项".
    position: str


TABLE3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
REQUESTER_COLUMNS: tuple[str, ...] = tuple(key for key, _ in TABLE3_COLUMNS if key != "total")
COLUMN_LABELS = dict(TABLE3_COLUMNS)


def column_name(key: str) -> str:
    """How a check names a Table III column: "法人或其他组织·商业企业列"."""
    if key in ("natural_person", "total"):
        return f"{COLUMN_LABELS[key]}列"
    return f"法人或其他组织·{COLUMN_LABELS[key]}列"


_WITHHELD = (
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及“三安全一稳定”",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
)
_CANNOT_PROVIDE = ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")
_NOT_PROCESSED = (
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
)
_OTHER = (
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他",
)
_CN = "一二三四五六七八九"


def _group(key: str, item: int, label: str, subs: tuple[str, ...]) -> list[Row]:
    number = f"（{_CN[item - 1]}）"
    position = f"第三行第{number}项"
    rows = [Row(key if not subs else f"{key}_group", number, label, 1, position)]
    for n, sub in enumerate(subs, start=1):
        rows.append(Row(f"{key}_{n}", str(n), sub, 2, f"{position}第{n}小项"))
    return rows


def table3_rows(fmt: str) -> tuple[Row, ...]:
    """Every row of Table III in print order. Rows ending in "_group" are headings
    (不予公开, 无法提供, 不予处理 and, in 2021, 其他处理) that carry no figures."""
    rows = [
        Row("new", "一", "本年新收政府信息公开申请数量", 0, "第一行"),
        Row("carried_over", "二", "上年结转政府信息公开申请数量", 0, "第二行"),
        Row("results_group", "三", "本年度办理结果", 0, "第三行"),
        *_group("disclosed", 1, "予以公开", ()),
        *_group("partly_disclosed", 2, "部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
        *_group("withheld", 3, "不予公开", _WITHHELD),
        *_group("cannot_provide", 4, "无法提供", _CANNOT_PROVIDE),
        *_group("not_processed", 5, "不予处理", _NOT_PROCESSED),
        *_group("other", 6, "其他处理", _OTHER if fmt == F2021 else ()),
        Row("total", "（七）", "总计", 1, "第三行第（七）项"),
        Row("carried_forward", "四", "结转下年度继续办理", 0, "第四行"),
    ]
    return tuple(rows)


def table3_keys(fmt: str) -> tuple[str, ...]:
    """The keys of the rows carrying figures, in print order (the JSON's table3 keys)."""
    return tuple(r.key for r in table3_rows(fmt) if not r.key.endswith("_group"))


def result_keys(fmt: str) -> tuple[str, ...]:
    """The rows summed into 三（七）总计: （一）（二） and every sub-row of （三）–（六）."""
    return tuple(k for k in table3_keys(fmt) if k not in ("new", "carried_over", "total", "carried_forward"))


def result_row(code: str, fmt: str) -> str | None:
    """The Table III row of a request's result code, or None for a code the format lacks."""
    if fmt == F2019 and code in ("other_1", "other_2", "other_3"):
        return "other"  # 2019: 其他处理 has no sub-rows
    return code if code in result_keys(fmt) else None


def row_by_key(fmt: str) -> dict[str, Row]:
    return {r.key: r for r in table3_rows(fmt)}


# --- Table II -------------------------------------------------------------------------------

#: Table II, 第二十条第（一）项: column keys and labels by format.
DOCUMENT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    F2021: (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
    F2019: (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("total_public", "对外公开总数量")),
}
DOCUMENT_ROWS: dict[str, tuple[tuple[str, str], ...]] = {
    F2021: (("rules", "规章"), ("normative", "行政规范性文件")),
    F2019: (("rules", "规章"), ("normative", "规范性文件")),
}
#: (section, key, label, the figure's column label) for the entered figures.
DECISION_ROWS: tuple[tuple[str, str, str], ...] = (
    ("第二十条第（五）项", "licensing", "行政许可"),
    ("第二十条第（六）项", "penalty", "行政处罚"),
    ("第二十条第（六）项", "enforcement", "行政强制"),
)

# --- Table IV -------------------------------------------------------------------------------

TABLE4_KINDS: tuple[tuple[str, str], ...] = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼·复议后起诉"),
)
TABLE4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
#: requests.ReviewKind value → Table IV key.
REVIEW_KIND_KEYS = {
    "reconsideration": "reconsideration",
    "direct_suit": "litigation_direct",
    "suit_after_reconsideration": "litigation_after_reconsideration",
}
