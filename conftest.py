"""Fixtures shared by every app's tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from gongkai.core import sitecache
from gongkai.core.tests.fixtures import tree

__all__ = ["tree"]


@pytest.fixture(autouse=True, scope="session")
def _files_outside_var(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads, letters and the search index written by any test go to temporary folders, never
    into var/ of the developer's demo (a test that publishes would otherwise add its items to the
    demo's index). Tests that need their own folder still override these."""
    root = tmp_path_factory.mktemp("var")
    previous = settings.MEDIA_ROOT, getattr(settings, "GONGKAI_SEARCH_DIR", None)
    settings.MEDIA_ROOT = root / "media"
    settings.GONGKAI_SEARCH_DIR = str(root / "search")
    yield root
    settings.MEDIA_ROOT, settings.GONGKAI_SEARCH_DIR = previous


@pytest.fixture(autouse=True)
def _fresh_sites() -> Iterator[None]:
    """The per-process copy of the sites (core.sitecache) starts empty in every test: a
    test's rolled-back transaction sends no signal to drop the rows it had created."""
    sitecache.forget()
    yield
    sitecache.forget()
