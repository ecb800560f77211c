"""Reports test data, built through the real services and importers: a request ledger
imported with gongkai.requests.ledger (the office's own path), catalog items published
through publishing's workflow."""

import csv
import datetime as dt
import io
from typing import Any

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import make_user
from gongkai.requests import ledger

#: "Today" for the ledger import and the reports in these tests.
TODAY = dt.date(2026, 1, 15)

HEADER = ",".join(ledger.LEDGER_COLUMNS)

#: A hand-built ledger for report year 2025 (see test_annual.py for every expected cell).
#: 申请编号,申请人类型,提交方式,收到日期,申请内容,办理结果,结果细类,答复日期,是否延期,复议诉讼,复议诉讼结果
LEDGER_2025 = """\
A01,自然人,网上申请,2024-12-10,上年结转予以公开,予以公开,,2025-01-08,否,,
A02,商业企业,信函申请,2024-12-20,上年结转部分公开,部分公开,,2025-01-15,否,,
A03,自然人,当面申请,2024-12-28,上年结转不予公开,不予公开,不予公开-4,2025-01-20,是,,
A04,自然人,网上申请,2024-11-01,上年已办结,予以公开,,2024-11-20,否,,
A05,科研机构,电子邮件,2024-06-01,上年已办结且上年复议,无法提供,无法提供-1,2024-06-20,否,行政复议,纠正
A06,自然人,信函申请,2024-12-30,上年结转至今未办结,,,,否,,
A07,社会公益组织,传真申请,2024-12-31,上年结转跨两年,部分公开,,2026-01-05,否,行政复议,尚未审结
B01,自然人,网上申请,2025-02-03,本年予以公开一,予以公开,,2025-02-20,否,,
B02,自然人,网上申请,2025-03-05,本年予以公开二,予以公开,,2025-03-25,否,行政复议,维持
B03,自然人,当面申请,2025-04-01,本年部分公开,部分公开,,2025-04-22,否,,
B04,商业企业,信函申请,2025-04-10,国家秘密,不予公开,不予公开-1,2025-04-30,否,,
B05,商业企业,网上申请,2025-05-06,本机关不掌握,无法提供,无法提供-1,2025-05-20,否,直接起诉,尚未审结
B06,科研机构,电子邮件,2025-05-12,需另行制作,无法提供,无法提供-2,2025-06-03,否,,
B07,社会公益组织,网上申请,2025-06-01,重复申请,不予处理,不予处理-2,2025-06-10,否,,
B08,法律服务机构,信函申请,2025-06-15,过程性信息,不予公开,不予公开-6,2025-07-01,否,复议后起诉,维持
B09,其他,网上申请,2025-07-01,申请人撤回,其他处理,其他处理-3,2025-07-05,否,,
B10,自然人,网上申请,2025-07-10,逾期不补正,其他处理,其他处理-1,2025-08-01,否,,
B11,自然人,信函申请,2025-08-01,逾期未缴费,其他处理,其他处理-2,2025-09-15,否,,
B12,商业企业,网上申请,2025-08-12,本年予以公开三,予以公开,,2025-08-30,否,行政复议,纠正
B13,法律服务机构,当面申请,2025-09-01,补正后仍不明确,无法提供,无法提供-3,2025-09-20,否,,
B14,自然人,网上申请,2025-09-10,要求确认,不予处理,不予处理-5,2025-09-30,否,,
B15,社会公益组织,网上申请,2025-10-09,本年予以公开四,予以公开,,2025-10-29,否,直接起诉,维持
B16,自然人,口头申请,2025-10-20,三安全一稳定,不予公开,不予公开-3,2025-11-12,是,,
B17,其他,传真申请,2025-11-03,本年部分公开二,部分公开,,2025-11-25,否,,
B18,科研机构,网上申请,2025-11-10,本年予以公开五,予以公开,,2025-12-01,否,行政复议,其他
B19,自然人,网上申请,2025-12-01,信访类,不予处理,不予处理-1,2025-12-20,否,,
C01,自然人,网上申请,2025-12-15,次年答复,予以公开,,2026-01-08,否,,
C02,商业企业,信函申请,2025-12-22,结转下年一,,,,否,,
C03,法律服务机构,网上申请,2025-12-29,结转下年二,,,,否,,
C04,其他,电子邮件,2025-12-30,结转下年三,,,,否,,
D01,自然人,网上申请,2026-01-10,次年新收,,,,否,,
"""


def ledger_table(rows: str) -> list[list[str]]:
    return [list(r) for r in csv.reader(io.StringIO(HEADER + "\n" + rows))]


def import_ledger(org: Organisation, rows: str = LEDGER_2025, *, today: dt.date = TODAY) -> None:
    """Import through the request desk's ledger importer, as an office does."""
    ledger.ledger_import(actor=None, organisation=org, table=ledger_table(rows), today=today)


def office(org: Organisation, *, head: bool = False, **kwargs: Any) -> User:
    return make_user(org=org, role=Role.OFFICE_HEAD if head else Role.OFFICE_OFFICER, **kwargs)
