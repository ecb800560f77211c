"""Supervision test data: Dazhou's organisations as the demo holds them (built through the
core services), the units directory without a database for the pure tests, and people."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from gongkai.core.models import Organisation, Role, User
from gongkai.core.tests.factories import make_org, make_user
from gongkai.supervision.units import OrgRef, UnitDirectory

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "dazhou.json"
# The seed is read where the project keeps it (../shared/seed), never copied into the repository.
SEED = Path(settings.SHARED_DIR) / "seed" / "000_f368b6cade0a67ca.txt"


def demo_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["organisations"]
    return rows


def offline_directory() -> UnitDirectory:
    """The demo's bodies with ids 1…N in file order, for parsing without a database."""
    rows = demo_rows()
    refs = {row["name"]: OrgRef(i, row["name"], row["short_name"]) for i, row in enumerate(rows, 1)}
    by_name = {**{r["short_name"]: refs[r["name"]] for r in rows if r["short_name"]}, **refs}
    children = [r for r in rows if r["parent"] == "达州市人民政府"]
    return UnitDirectory(
        by_name=by_name,
        counties=tuple(refs[r["name"]] for r in children if r["kind"] == "government"),
        departments=tuple(refs[r["name"]] for r in children if r["kind"] == "department"),
        government="达州市人民政府",
    )


@dataclass
class Dazhou:
    by_short: dict[str, Organisation]
    city: Organisation
    office: Organisation
    officer: User  # 公开办经办人 on the city government (as in the demo)
    head: User  # 公开办负责人 on the city government's office
    supervisor: User
    edu_editor: User
    dc_editor: User
    tc_editor: User
    outsider: User  # an editor of a department with no task in these tests' plans

    def org(self, short_name: str) -> Organisation:
        return self.by_short[short_name]


def make_dazhou() -> Dazhou:
    """Every body of the demo's tree (no sites, no items), and the people of the tests."""
    by_name: dict[str, Organisation] = {}
    for row in demo_rows():
        by_name[row["name"]] = make_org(
            row["name"],
            short_name=row["short_name"],
            kind=row["kind"],
            parent=by_name[row["parent"]] if row["parent"] else None,
        )
    by_short = {o.short_name: o for o in by_name.values() if o.short_name}
    city = by_name["达州市人民政府"]
    office = by_name["达州市人民政府办公室"]
    return Dazhou(
        by_short=by_short,
        city=city,
        office=office,
        officer=make_user("city_officer", org=city, role=Role.OFFICE_OFFICER),
        head=make_user("office_head", org=office, role=Role.OFFICE_HEAD),
        supervisor=make_user("supervisor", org=city, role=Role.SUPERVISOR, descendants=True),
        edu_editor=make_user("edu_editor", org=by_short["市教育局"], role=Role.EDITOR),
        dc_editor=make_user("dc_editor", org=by_short["达川区"], role=Role.EDITOR, descendants=True),
        tc_editor=make_user("tc_editor", org=by_short["通川区"], role=Role.EDITOR, descendants=True),
        outsider=make_user("dc_edu_editor", org=by_short["达川区教育局"], role=Role.EDITOR),
    )
