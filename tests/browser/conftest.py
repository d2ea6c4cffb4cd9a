"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    # Known even when xdist is off (-p no:xdist), under --strict-markers.
    config.addinivalue_line("markers", "xdist_group(name): run in one xdist worker")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Put back the division tree and policy that the live server's flush removed.

    The live server needs a transactional database, which Django empties after the test;
    the other tests of this worker expect the session's base data, so reload it.
    """
    result = yield
    if nextitem is None:
        return result  # the session ends: the test database is gone already
    from pytest_django.plugin import blocking_manager_key

    from fangpin.policy.services import policy_seed
    from fangpin.regions.services import regions_load

    with item.config.stash[blocking_manager_key].unblock():
        regions_load(city="4104")
        policy_seed()
    return result


@pytest.fixture(scope="session")
def chromium() -> Generator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
