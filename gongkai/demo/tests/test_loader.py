"""The demo holds Dazhou as the seed names it, and loading it twice changes nothing."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from gongkai.core import audit
from gongkai.core.models import AuditRecord, Organisation, RoleAssignment, Site, User
from gongkai.core.permissions import Perm, can
from gongkai.demo import loader

SEED = Path(settings.SHARED_DIR) / "seed" / "000_f368b6cade0a67ca.txt"
# Names in the annex that stand for a class of bodies, not for one body.
CLASSES = ("各县", "区）人民政府", "区)人民政府", "市政府工作部门", "被审计", "具有行政许可权", "其他市政府工作部门")


def annex_units() -> set[str]:
    text = SEED.read_text(encoding="utf-8")
    annex = text[text.index("\n附件\n") :]
    units: set[str] = set()
    for line in annex.splitlines():
        cells = line.split("\t")
        if len(cells) < 4 or not cells[3] or cells[3] == "责任单位":
            continue
        for part in re.split(r"[，、,。；]", cells[3]):
            part = re.sub(r"(等.*|及.*)$", "", part.strip())
            if part and not any(c in part for c in CLASSES):
                units.add(part)
    return units


@pytest.fixture
def demo(db: None, settings, tmp_path: Path) -> loader.DemoResult:
    settings.SHARED_DIR = tmp_path  # the corpus import has its own tests (test_content.py)
    return loader.load()


def test_every_unit_named_in_the_annex_is_a_body(demo: loader.DemoResult) -> None:
    if not SEED.exists():
        pytest.fail(f"the seed document is missing: {SEED}")
    names = set(Organisation.objects.values_list("short_name", flat=True)) | set(
        Organisation.objects.values_list("name", flat=True)
    )
    units = annex_units()
    assert len(units) > 40
    missing = {u for u in units if u not in names and f"{u}人民政府" not in names}
    assert not missing


def test_counties_zones_and_four_levels(demo: loader.DemoResult) -> None:
    city = Organisation.objects.get(name="达州市人民政府")
    counties = Organisation.objects.filter(parent=city, kind="government")
    assert {c.short_name for c in counties} == {"通川区", "达川区", "万源市", "宣汉县", "大竹县", "渠县", "开江县"}
    assert Organisation.objects.filter(parent=city, kind="development_zone").count() == 2
    assert Organisation.objects.filter(depth=3, kind="village").exists()
    assert Site.objects.get(is_default=True).organisation == city
    assert Site.objects.count() == 8


def test_loading_twice_duplicates_nothing(demo: loader.DemoResult) -> None:
    counts = (Organisation.objects.count(), Site.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    records = AuditRecord.objects.count()
    again = loader.load()
    assert again == loader.DemoResult()
    assert counts == (
        Organisation.objects.count(),
        Site.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )
    assert AuditRecord.objects.count() == records
    assert audit.verify().ok


def test_demo_accounts_have_their_scopes(demo: loader.DemoResult) -> None:
    tc = User.objects.get(username="tc_editor")
    dachuan = Organisation.objects.get(short_name="达川区")
    tongchuan_edu = Organisation.objects.get(name="达州市通川区教育局")
    assert can(tc, Perm.ITEM_DRAFT, tongchuan_edu)
    assert not can(tc, Perm.ITEM_DRAFT, dachuan)
    assert User.objects.get(username="auditor").check_password(loader.DEMO_PASSWORD)
