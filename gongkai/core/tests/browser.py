"""Chromium for the browser tests (tests/e2e and the apps' own browser tests): Playwright's
sync API driving the system's Chromium (never a downloaded browser).

Without /usr/bin/chromium the tests fail in CI (env CI set) and are skipped, loudly,
elsewhere; `scripts/ensure-browser.sh` installs it.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    f"{CHROMIUM} is missing: the e2e browser tests cannot run. "
    "Install it with `scripts/ensure-browser.sh` (Debian packages chromium and chromium-driver)."
)


def _no_browser() -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI: {MISSING}", pytrace=False)
    pytest.skip(f"SKIPPED E2E TESTS: {MISSING}")


def launch_chromium() -> Iterator[Any]:
    """The body of a `browser` fixture: yields a launched Chromium, closes it afterwards."""
    if not CHROMIUM.exists():
        _no_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise
    # refuse the database calls that the fixtures make beside it. Set only while the
    # browser runs: a process-wide setting would leak into other tests (and into
    # `check --deploy` subprocesses, which warn about it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
