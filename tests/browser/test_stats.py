"""The improvement loop in real headless Chromium against the real system (trained Rasa
model): a citizen chats, the editor sees it on the dashboard, fixes the question the assistant
could not answer from the inbox, and the assistant then answers it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.test_inbox import ARTICLE, UNANSWERED
from tests.browser.test_booking import say
from tests.integration.clients import PASSWORD, create_agent
from tests.integration.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def editor_page(browser: Browser, stack: Stack) -> Page:
    create_agent(stack, "erik.editor", "Erik", role="editor")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE").new_page()
    page.goto(f"{stack.url}/agent")
    page.get_by_label("Användarnamn").fill("erik.editor")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text("Erik")
    return page


def test_an_editor_sees_the_chats_and_fixes_an_unanswered_question(
    phone_page: Page, browser: Browser, stack: Stack
) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    last_bot = chat.locator(".gr-message--bot").last
    expect(chat.locator(".gr-message--bot").first).to_be_visible()
    say(phone_page, "hur mycket är riksnormen för en vuxen som bor ensam")
    chat.get_by_role("button", name="Ja, det hjälpte").last.click()
    expect(last_bot).to_contain_text("Tack! Bra att svaret hjälpte")
    say(phone_page, UNANSWERED)
    expect(last_bot).to_contain_text(re.compile("förstod inte riktigt|Menar du"))

    editor = editor_page(browser, stack)
    editor.get_by_role("link", name="Statistik").click()
    figures = editor.get_by_test_id("stats-figures")
    expect(figures).to_contain_text("Besvarade utan en person")
    expect(editor.get_by_test_id("chart-samtal-per-dag")).to_be_visible()
    expect(editor.get_by_test_id("table-artiklar")).to_contain_text("riksnormen")
    editor.get_by_test_id("stats-filter").get_by_label("Språk").select_option("en")
    editor.get_by_role("button", name="Visa").click()
    expect(editor).to_have_url(re.compile(r"language=en"))

    editor.get_by_role("link", name="Obesvarade frågor").click()
    group = editor.get_by_test_id("inbox-group").filter(has_text=UNANSWERED)
    expect(group).to_be_visible()
    group.locator("select[name=article_id]").select_option(ARTICLE)
    group.get_by_role("button", name="Spara").click()
    # The index is rebuilt while the editor waits: seconds, longer on a busy machine.
    expect(group.locator(".in-result")).to_contain_text("Sökindexet byggdes om", timeout=300_000)
    expect(group.locator(".in-diff")).to_contain_text(f"+  - {UNANSWERED}")
    editor.reload()
    expect(editor.get_by_test_id("change-log")).to_contain_text("inbox_article_question")

    say(phone_page, UNANSWERED)
    expect(chat.locator(".gr-message--bot").last).to_contain_text("Källa:")
