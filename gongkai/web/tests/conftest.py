from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from gongkai.publishing.tests.factories import Desk, make_desk

from .factories import Platform, build_platform


@pytest.fixture
def platform(db: None) -> Platform:
    return build_platform()


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    """Uploads go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def desk(platform: Platform) -> Desk:
    """The city's education bureau with its catalog and its 编审发 people."""
    platform.education.index_code = "008765432"
    platform.education.save()
    return make_desk(platform.education, "edu")


@pytest.fixture
def county_desk(platform: Platform) -> Desk:
    """A body of the county, which has a site of its own."""
    return make_desk(platform.county_dept, "yi")
