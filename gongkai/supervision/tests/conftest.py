import datetime as dt

import pytest

from gongkai.supervision import selectors, services
from gongkai.supervision.annex import parse_file
from gongkai.supervision.models import TaskPlan

from .factories import SEED, Dazhou, make_dazhou


@pytest.fixture
def dazhou(db: None) -> Dazhou:
    return make_dazhou()


@pytest.fixture
def plan(dazhou: Dazhou) -> TaskPlan:
    """The seed's table imported as the 2022 plan of 达州市人民政府办公室, issued 26 May."""
    parsed = parse_file(SEED, year=2022, directory=selectors.unit_directory(dazhou.office))
    return services.plan_import(
        actor=None, parsed=parsed, issuer=dazhou.office, year=2022, starts_on=dt.date(2022, 5, 26)
    )
