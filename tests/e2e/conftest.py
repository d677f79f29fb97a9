"""Fixtures for browser tests with Playwright and Debian's Chromium."""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "Browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium"
    )
    # Playwright's sync API runs an event loop; Django's ORM in the test refuses to run
    # beside one unless told that this thread is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
        # The ORM calls made beside Playwright's event loop opened their own connection;
        # closed here, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
