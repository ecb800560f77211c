"""Fixtures shared by every app's tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from gongkai.core.tests.fixtures import tree

__all__ = ["tree"]


@pytest.fixture(autouse=True, scope="session")
def _media_outside_var(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads, letters and attachments written by any test go to a temporary folder, never into
    var/media of the developer's demo (tests that need their own folder still override it)."""
    root = tmp_path_factory.mktemp("media")
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = root
    yield root
    settings.MEDIA_ROOT = previous
