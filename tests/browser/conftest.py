"""One headless Chromium (Debian's package, driven by Playwright) per browser test module, and
the widget's page on a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.integration.stack import Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def phone_page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The widget's page on a phone-sized screen, in Swedish."""
    context = browser.new_context(
        viewport={"width": 390, "height": 800}, locale="sv-SE", has_touch=True
    )
    page = context.new_page()
    page.goto(stack.url)
    yield page
    context.close()
