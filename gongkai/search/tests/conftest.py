from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from gongkai.publishing.tests.factories import Desk, make_desk
from gongkai.search import analysis, index
from gongkai.web.tests.factories import Platform, build_platform


@pytest.fixture(autouse=True)
def search_dir(tmp_path: Path) -> Iterator[Path]:
    """Every test gets its own, empty index folder."""
    path = tmp_path / "search"
    with override_settings(GONGKAI_SEARCH_DIR=str(path)):
        index.forget_reader()
        analysis.reset()
        yield path
        index.forget_reader()
        analysis.reset()


@pytest.fixture
def platform(db: None) -> Platform:
    return build_platform()


@pytest.fixture
def desk(platform: Platform) -> Desk:
    """The city's education bureau with its catalog and its 编审发 people."""
    return make_desk(platform.education, "edu")


@pytest.fixture
def county_desk(platform: Platform) -> Desk:
    """A body of the county, which has a site of its own."""
    return make_desk(platform.county_dept, "yi")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)
