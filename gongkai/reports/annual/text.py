"""Draft wording of the report's text sections, written from the figures (条例第五十条 lists
what the report covers). Officials edit the drafts before publication; nothing here is
published without a person saving and sending the report."""

from collections.abc import Mapping
from typing import Any

from .formats import F2019, REQUESTER_COLUMNS, result_keys

SECTION_KEYS = ("overview", "proactive", "on_request", "review", "problems", "other")


def _amount(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _sum_prefix(row: Mapping[str, Mapping[str, int]], prefix: str, fmt: str) -> int:
    return sum(row[k]["total"] for k in result_keys(fmt) if k == prefix or k.startswith(prefix + "_"))


def draft_texts(figures: Mapping[str, Any], *, organisation_name: str, year: int, fmt: str) -> dict[str, str]:
    t2, t3, t4 = figures["table2"], figures["table3"], figures["table4"]
    new, carried_over = t3["new"]["total"], t3["carried_over"]["total"]
    handled, carried_forward = t3["total"]["total"], t3["carried_forward"]["total"]
    natural = t3["new"]["natural_person"]
    legal = sum(t3["new"][c] for c in REQUESTER_COLUMNS if c != "natural_person")
    reconsideration = t4["reconsideration"]["total"]
    suits = t4["litigation_direct"]["total"] + t4["litigation_after_reconsideration"]["total"]
    corrected = sum(t4[k]["corrected"] for k in t4)
    if fmt == F2019:
        rules = (
            f"本年新制作规章{t2['rules']['made']}件、新公开{t2['rules']['published']}件，"
            f"对外公开总数量{t2['rules']['total_public']}件"
        )
        normative = (
            f"本年新制作规范性文件{t2['normative']['made']}件、新公开{t2['normative']['published']}件，"
            f"对外公开总数量{t2['normative']['total_public']}件"
        )
    else:
        rules = (
            f"本年制发规章{t2['rules']['issued']}件、废止{t2['rules']['repealed']}件，"
            f"现行有效{t2['rules']['in_force']}件"
        )
        normative = (
            f"本年制发行政规范性文件{t2['normative']['issued']}件、废止{t2['normative']['repealed']}件，"
            f"现行有效{t2['normative']['in_force']}件"
        )
    overview = (
        f"{year}年，{organisation_name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"坚持以公开为常态、不公开为例外，依法做好主动公开、依申请公开和政府信息管理等工作。"
        f"{rules}；{normative}。本年新收政府信息公开申请{new}件，上年结转{carried_over}件，"
        f"办结{handled}件，结转下年度继续办理{carried_forward}件。"
        f"因政府信息公开被申请行政复议{reconsideration}件、被提起行政诉讼{suits}件。"
    )
    proactive = (
        f"{rules}；{normative}。"
        f"行政许可本年处理决定{t2['licensing']['decisions']}件，行政处罚本年处理决定{t2['penalty']['decisions']}件，"
        f"行政强制本年处理决定{t2['enforcement']['decisions']}件；"
        f"本年收取行政事业性收费{_amount(t2['fees']['amount'])}万元。"
    )
    if fmt == F2019:
        proactive += (
            f"政府集中采购项目{t2['procurement']['projects']}个，采购总金额{_amount(t2['procurement']['amount'])}万元。"
        )
    on_request = (
        f"本年新收政府信息公开申请{new}件，其中自然人申请{natural}件，法人或其他组织申请{legal}件；"
        f"上年结转{carried_over}件。本年度办结{handled}件，其中予以公开{t3['disclosed']['total']}件，"
        f"部分公开{t3['partly_disclosed']['total']}件，不予公开{_sum_prefix(t3, 'withheld', fmt)}件，"
        f"无法提供{_sum_prefix(t3, 'cannot_provide', fmt)}件，不予处理{_sum_prefix(t3, 'not_processed', fmt)}件，"
        f"其他处理{_sum_prefix(t3, 'other', fmt)}件。结转下年度继续办理{carried_forward}件。"
    )
    review = (
        f"本年因政府信息公开被申请行政复议{reconsideration}件，其中结果维持{t4['reconsideration']['upheld']}件、"
        f"结果纠正{t4['reconsideration']['corrected']}件、其他结果{t4['reconsideration']['other']}件、"
        f"尚未审结{t4['reconsideration']['pending']}件；被提起行政诉讼{suits}件，"
        f"其中未经复议直接起诉{t4['litigation_direct']['total']}件、复议后起诉"
        f"{t4['litigation_after_reconsideration']['total']}件。"
    )
    problems_parts = []
    if corrected:
        problems_parts.append(f"本年有{corrected}件行政复议或行政诉讼结果为纠正，答复的规范性仍需提高")
    if carried_forward:
        problems_parts.append(f"尚有{carried_forward}件申请结转下年度继续办理")
    if not problems_parts:
        problems_parts.append("政府信息公开工作的主动性和规范化水平仍有提升空间")
    problems = (
        "；".join(problems_parts) + "。下一步，将进一步规范依申请公开办理流程，严格落实答复期限，加强答复书的法制审核，"
        "及时做好政策文件的制发、废止和有效性标注，持续提升政府信息公开质量。"
    )
    other = "本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）办理收费事项。"
    if "other_2" in t3:
        other += f"因申请人逾期未按收费通知要求缴纳费用而不再处理的申请{t3['other_2']['total']}件。"
    other += "本年度无其他需要报告的事项。"
    return {
        "overview": overview,
        "proactive": proactive,
        "on_request": on_request,
        "review": review,
        "problems": problems,
        "other": other,
    }
