"""Browser tests: Playwright's sync API driving the system's Chromium (never a
downloaded browser) against pytest-django's live server.

Without /usr/bin/chromium the tests fail in CI (env CI set) and are skipped, loudly,
elsewhere; `scripts/ensure-browser.sh` installs it.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from gongkai.core.tests.browser import launch_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def shell_url(transactional_db: None, live_server: Any) -> str:
    """The live server's address, with the demo-like platform of the web tests loaded."""
    from gongkai.core.models import AuditChainHead
    from gongkai.web.tests.factories import build_platform

    # A transactional test flushes the tables afterwards, taking with them the rows
    # that migrations create; put back the audit chain's head as 0002 does.
    AuditChainHead.objects.get_or_create(pk=1)
    build_platform()
    return str(live_server.url)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()
