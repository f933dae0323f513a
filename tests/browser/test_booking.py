"""Booking a meeting through the widget in real headless Chromium, against the real system
(trained Rasa model): book, get a reference and an .ics file, staff see it, cancel."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.services.slots import STOCKHOLM
from tests.integration.clients import PASSWORD, create_agent
from tests.integration.stack import BOT, Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def meeting_times(stack: Stack) -> None:
    """Järva publishes weekday meeting times, with the operator's command."""
    for weekday in ("mon", "tue", "wed", "thu", "fri"):
        result = subprocess.run(
            [BOT, "slots", "add-template", "jarva", weekday, "08:00", "16:00", "--minutes", "60"],
            env=stack.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


def say(page: Page, text: str) -> None:
    page.get_by_test_id("chat-input").fill(text)
    page.get_by_test_id("chat-send").click()


@pytest.mark.usefixtures("meeting_times")
def test_a_citizen_books_and_cancels_a_meeting_and_staff_see_it(
    phone_page: Page, browser: Browser, stack: Stack
) -> None:
    page = phone_page
    chat = page.get_by_test_id("guiderum-chat")
    last_bot = chat.locator(".gr-message--bot").last
    expect(chat.locator(".gr-message--bot").first).to_be_visible()

    say(page, "jag vill boka ett möte med en handläggare")
    expect(last_bot).to_contain_text("Var bor du?")
    say(page, "tensta")
    expect(chat).to_contain_text("Du hör till stadsdelsförvaltningen Järva")
    chat.get_by_role("button", name="Söka ekonomiskt bistånd (första mötet)").click()
    chat.get_by_role("button", name="Nej, jag behöver ingen tolk").click()
    expect(last_bot).to_contain_text("första lediga tiderna på Järva")
    last_bot.locator(".gr-quick-reply").first.click()
    expect(last_bot).to_contain_text("Vad heter du?")
    say(page, "Amina Hassan")
    expect(last_bot).to_contain_text("Vilket telefonnummer")
    expect(page.get_by_test_id("chat-input")).to_have_attribute("inputmode", "tel")
    say(page, "070-123 45 67")
    chat.get_by_role("button", name="Hoppa över").click()
    expect(last_bot).to_contain_text("Telefon: +46701234567")
    chat.get_by_role("button", name="Ja, boka").click()
    expect(chat).to_contain_text("Ditt möte är bokat")

    confirmation = chat.locator(".gr-message--bot", has_text="Ditt möte är bokat").last
    text = confirmation.inner_text()
    match = re.search(r"bokningsnummer är ([A-Z0-9]{6})", text)
    assert match, text
    reference = match.group(1)
    calendar = confirmation.get_by_role("link", name="Lägg in mötet i min kalender")
    ics = page.request.get(calendar.get_attribute("href") or "")
    assert ics.ok
    assert ics.headers["content-type"].startswith("text/calendar")
    assert f"Bokningsnummer {reference}" in ics.text()

    starts = re.search(r"DTSTART:(\d{8}T\d{6}Z)", ics.text())
    assert starts, ics.text()
    day = datetime.strptime(starts.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    _staff_see(browser, stack, reference, day.astimezone(STOCKHOLM).date().isoformat())

    say(page, "jag vill avboka min tid")
    expect(last_bot).to_contain_text("Vad är ditt bokningsnummer?")
    say(page, reference)
    expect(last_bot).to_contain_text("Vilket telefonnummer angav du")
    say(page, "0701234567")
    expect(last_bot).to_contain_text("Jag hittade ditt möte")
    chat.get_by_role("button", name="Avboka mötet").click()
    expect(last_bot).to_contain_text("är avbokat")


def _staff_see(browser: Browser, stack: Stack, reference: str, day: str) -> None:
    create_agent(stack, "bodil.bookings", "Bodil")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{stack.url}/agent")
    page.get_by_label("Användarnamn").fill("bodil.bookings")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text("Bodil")
    page.get_by_role("link", name="Bokningar").click()
    page.get_by_test_id("bookings-district").select_option("jarva")
    page.get_by_test_id("bookings-day").fill(day)
    page.get_by_role("button", name="Visa").click()
    table = page.get_by_test_id("bookings-table")
    expect(table).to_contain_text(reference)
    expect(table).to_contain_text("Amina Hassan")
    page.get_by_role("link", name="Konsolen").click()
    page.locator("#logout").click()  # offline again: other tests see no agent
    expect(page.locator("#login")).to_be_visible()
    context.close()
