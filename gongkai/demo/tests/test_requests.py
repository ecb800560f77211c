"""The demo's disclosure requests: made through the request desk's services, a realistic mix
that fills the desk, the statistics and the annual report (whose checks pass), fictitious
requesters with valid numbers, and loading twice adds nothing."""

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from gongkai.core import audit, creditcode
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditRecord, Organisation, User
from gongkai.demo import loader
from gongkai.demo import requests as demo
from gongkai.reports.annual.build import compute_figures
from gongkai.reports.models import AnnualFigures
from gongkai.requests import selectors, services
from gongkai.requests.models import (
    OPEN_STATUSES,
    DisclosureRequest,
    FeeNotice,
    FeeNoticeStatus,
    IdType,
    Letter,
    LetterKind,
    RequestStatus,
    ReviewRecord,
)

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def bodies(db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Organisation]:
    """Dazhou's bodies and accounts from the demo loader (no corpus), the requests not yet."""
    settings.SHARED_DIR = tmp_path
    with monkeypatch.context() as patch:
        patch.setattr(demo, "load", lambda *_args, **_kwargs: demo.RequestsResult())
        loader.load()
    assert not DisclosureRequest.objects.exists()
    return {o.name: o for o in Organisation.objects.filter(name__in=(demo.CITY, demo.EDU, demo.DACHUAN))}


def _report(org: Organisation, year: int, *, with_departments: bool = False) -> dict[str, Any]:
    return compute_figures(organisation=org, year=year, today=TODAY, with_departments=with_departments)


def test_the_demo_fills_the_desk_through_the_services(bodies: dict[str, Organisation]) -> None:
    lines: list[str] = []
    result = demo.load(lines.append, today=TODAY)
    made = list(DisclosureRequest.objects.select_related("organisation"))
    assert result.requests_created == len(made) == len(demo.STORIES)
    assert 60 <= len(made) <= 120
    assert lines == [
        f"依申请公开示例：新增 {len(made)} 件（达州市人民政府 46 件、达州市教育局 24 件、达州市达川区人民政府 22 件；"
        f"办理中 {result.open_created} 件，文书 {result.letters_issued} 份）；年报自填数据新增 6 条。"
    ]
    assert {r.received_on.year for r in made} == {2024, 2025, 2026}
    assert all(r.received_on <= TODAY for r in made)
    # every request was registered or submitted by a service, which audits it
    actions = Counter(AuditRecord.objects.filter(action__startswith="request.").values_list("action", flat=True))
    assert actions["request.register"] + actions["request.submit_online"] == len(made)
    assert actions["request.reply"] >= 50
    assert actions["request.extend"] == 2
    statuses = Counter(r.status for r in made)
    assert statuses[RequestStatus.ABANDONED] == 2
    assert statuses[RequestStatus.WITHDRAWN] == 2
    assert statuses[RequestStatus.PAUSED] == 1
    assert statuses[RequestStatus.CORRECTION_REQUESTED] == 1
    # archived a few days after the reply, except the replies of the last weeks
    assert statuses[RequestStatus.CLOSED] > 40
    recent = [r for r in made if r.status == RequestStatus.REPLIED]
    assert recent and all(r.replied_on and r.replied_on > TODAY - dt.timedelta(days=60) for r in recent)
    assert sum(statuses[s] for s in OPEN_STATUSES) == result.open_created == 8
    results = Counter(r.result_code for r in made if r.result_code)
    assert results["disclosed"] > results["partly_disclosed"] > 0
    assert sum(n for code, n in results.items() if code.startswith("withheld_")) >= 5
    assert sum(n for code, n in results.items() if code.startswith("cannot_provide_")) >= 5
    assert sum(n for code, n in results.items() if code.startswith("not_processed_")) >= 3
    # one fee notice, paid; a few reviews with their outcomes; letters archived with the requests
    notice = FeeNotice.objects.get()
    assert (notice.status, notice.quantity, notice.amount) == (FeeNoticeStatus.PAID, 60, 300)
    assert set(ReviewRecord.objects.values_list("outcome", flat=True)) == {"upheld", "corrected", "other", "pending"}
    assert actions["request.review_add"] == ReviewRecord.objects.count() == 6
    assert actions["request.review_update"] == ReviewRecord.objects.exclude(outcome="pending").count() == 4
    assert actions["request.release_to_item"] == 1
    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert kinds == {k.value for k in LetterKind}
    assert Letter.objects.count() == result.letters_issued
    # letter numbers follow the calendar within each body and year
    for org in bodies.values():
        issued = list(Letter.objects.filter(request__organisation=org).order_by("year", "seq"))
        assert [letter.issued_on for letter in issued] == sorted(letter.issued_on for letter in issued)


def test_the_office_accounts_have_something_to_do(bodies: dict[str, Organisation]) -> None:
    demo.load(today=TODAY)
    for username in ("city_officer", "city_head", "edu_officer", "dc_officer"):
        inbox = selectors.requests_inbox(user=User.objects.get(username=username))
        assert inbox.filter(assignee__username=username).exists(), username
    officer = User.objects.get(username="city_officer")
    overdue = selectors.requests_overdue_by_body(user=officer, today=TODAY)
    assert overdue == [(bodies[demo.CITY], 1)]
    assert selectors.requests_inbox(user=officer).filter(assignee__isnull=True).count() == 1


def test_the_annual_reports_are_filled_and_reconcile(bodies: dict[str, Organisation]) -> None:
    demo.load(today=TODAY)
    city = bodies[demo.CITY]
    for org in bodies.values():
        for year in (2024, 2025, 2026):
            figures = _report(org, year)
            assert figures["table3"]["new"]["total"] > 0, (org.name, year)
            assert [c for c in figures["checks"] if not c["ok"]] == [], (org.name, year)
    for year in (2025, 2026):
        assert _report(city, year)["table3"]["carried_over"]["total"] > 0
        whole = _report(city, year, with_departments=True)
        assert [c for c in whole["checks"] if not c["ok"]] == []
    report = _report(city, 2025)
    assert report["table2"]["licensing"] == {"decisions": 41}
    assert report["table3"]["total"]["total"] == 18
    assert report["table4"]["reconsideration"]["total"] == 2
    assert AnnualFigures.objects.filter(year=2025).count() == 3


def test_the_requesters_are_fictitious_but_valid() -> None:
    numbers = [r.id_number for r in demo.REQUESTERS.values() if r.id_type == IdType.ID_CARD]
    assert len(numbers) == 12
    for number in numbers:
        assert services.validate_id_number(IdType.ID_CARD, number, today=TODAY) == number
        assert number.startswith(demo.FICTITIOUS_REGION)
    bad = numbers[0][:17] + ("0" if numbers[0][17] != "0" else "1")
    with pytest.raises(DomainError, match="校验位"):
        services.validate_id_number(IdType.ID_CARD, bad, today=TODAY)
    for requester in demo.REQUESTERS.values():
        if requester.id_type == IdType.CREDIT_CODE:
            assert creditcode.validate(requester.id_number) == requester.id_number
        assert requester.email.endswith("@example.com")


def test_loading_twice_adds_nothing(bodies: dict[str, Organisation]) -> None:
    demo.load(today=TODAY)
    counts = (
        DisclosureRequest.objects.count(),
        Letter.objects.count(),
        AnnualFigures.objects.count(),
        AuditRecord.objects.count(),
    )
    lines: list[str] = []
    again = demo.load(lines.append, today=TODAY + dt.timedelta(days=40))
    assert (again.requests_created, again.figures_created) == (0, 0)
    assert lines == ["依申请公开示例：新增 0 件；年报自填数据新增 0 条。"]
    assert counts == (
        DisclosureRequest.objects.count(),
        Letter.objects.count(),
        AnnualFigures.objects.count(),
        AuditRecord.objects.count(),
    )
    assert audit.verify().ok


def test_a_clock_before_the_stories_end_skips_the_later_ones(bodies: dict[str, Organisation]) -> None:
    early = dt.date(2025, 6, 30)
    demo.load(today=early)
    made = list(DisclosureRequest.objects.all())
    assert made and all(r.received_on <= early for r in made)
    assert all(r.replied_on is None or r.replied_on <= early for r in made)
    assert [c for c in _report(bodies[demo.CITY], 2024)["checks"] if not c["ok"]] == []
    # on the real day, the rest follows without duplicating what is there
    before = len(made)
    result = demo.load(today=TODAY)
    assert DisclosureRequest.objects.count() == before + result.requests_created
    assert result.requests_created < len(demo.STORIES)
