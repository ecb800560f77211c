import pytest

from .factories import Platform, build_platform


@pytest.fixture
def platform(db: None) -> Platform:
    return build_platform()
