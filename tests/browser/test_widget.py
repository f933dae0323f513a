"""The citizen's chat widget in real headless Chromium against the real system."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_citizen_sends_a_message_and_sees_the_reply(phone_page: Page) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator(".gr-message--bot").first).to_contain_text("Guiderum")
    phone_page.get_by_test_id("chat-input").fill("hej")
    phone_page.get_by_test_id("chat-send").click()
    expect(chat.locator(".gr-message--citizen").last).to_contain_text("hej")
    expect(chat.locator(".gr-message--bot").last).to_contain_text("Vad vill du fråga")


def test_keyboard_only_with_enter_and_focus_back_in_the_input(phone_page: Page) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator(".gr-message--bot").first).to_be_visible()
    box = phone_page.get_by_test_id("chat-input")
    box.focus()
    phone_page.keyboard.type("tack")
    phone_page.keyboard.press("Enter")
    expect(chat.locator(".gr-message--bot").last).to_contain_text("Varsågod")
    expect(box).to_be_focused()


def test_quick_reply_button_and_accessible_structure(phone_page: Page) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator("[role=log][aria-live=polite]")).to_have_count(1)
    expect(phone_page.get_by_label("Skriv din fråga")).to_be_visible()
    chat.locator(".gr-quick-reply").first.click()
    expect(chat.locator(".gr-message--bot").last).to_contain_text("allmänna frågor")


def test_citizen_text_is_shown_as_text_never_as_html(phone_page: Page) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator(".gr-message--bot").first).to_be_visible()
    attack = "<img src=x onerror=\"document.title='pwned'\">"
    phone_page.get_by_test_id("chat-input").fill(attack)
    phone_page.get_by_test_id("chat-send").click()
    expect(chat.locator(".gr-message--citizen").last).to_contain_text("<img src=x")
    expect(chat.locator("img")).to_have_count(0)
    assert phone_page.title() != "pwned"


def test_reload_continues_the_same_conversation(phone_page: Page) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator(".gr-message--bot").first).to_be_visible()
    phone_page.get_by_test_id("chat-input").fill("hej")
    phone_page.get_by_test_id("chat-send").click()
    expect(chat.locator(".gr-message--bot").last).to_contain_text("Vad vill du fråga")
    phone_page.reload()
    citizen_messages = phone_page.get_by_test_id("guiderum-chat").locator(".gr-message--citizen")
    expect(citizen_messages).to_have_count(1)
    expect(citizen_messages.first).to_contain_text("hej")


def test_the_page_runs_under_its_strict_content_security_policy(
    browser: Browser, stack: Stack
) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{stack.url}/guide/en")
    chat = page.get_by_test_id("guiderum-chat")
    page.locator(".gr-launcher").click()
    expect(chat.locator(".gr-message--bot").first).to_contain_text("Guiderum")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()


def test_switching_to_arabic_mid_conversation_turns_the_chat_right_to_left(
    phone_page: Page,
) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    phone_page.get_by_test_id("chat-input").fill("hej")
    phone_page.get_by_test_id("chat-send").click()
    expect(chat.locator(".gr-message--bot").last).to_contain_text("Vad vill du fråga")
    chat.locator(".gr-lang__toggle").click()
    chat.locator(".gr-lang__option[data-code=ar]").click()
    expect(chat).to_have_attribute("lang", "ar")
    expect(chat).to_have_attribute("dir", "rtl")
    expect(chat.locator(".gr-message--bot").last).to_contain_text("العربية")
    # The same conversation goes on: the Swedish exchange is still there.
    expect(chat.locator(".gr-message--citizen")).to_have_count(1)
    # Phone numbers stay left-to-right inside right-to-left text.
    phone_page.get_by_test_id("chat-input").fill("أريد التحدث مع شخص")
    phone_page.get_by_test_id("chat-send").click()
    numbers = chat.locator(".gr-message--bot bdi[dir=ltr]")
    expect(numbers.filter(has_text="08-508 00 508").last).to_be_visible()  # nobody online: call


@pytest.mark.parametrize(
    ("family", "sample"), [("Noto Sans Ethiopic", "ሰላም"), ("Noto Sans Arabic", "سلام")]
)
def test_fonts_for_ethiopic_and_arabic_script_load_under_the_csp(
    browser: Browser, stack: Stack, family: str, sample: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{stack.url}/guide/ti")
    loaded = page.evaluate(
        '([family, sample]) => document.fonts.load(`16px "${family}"`, sample)'
        ".then((faces) => faces.length)",
        [family, sample],
    )
    assert loaded >= 1
    context.close()


def test_talk_to_a_person_with_nobody_online_leaves_a_call_back_request(
    phone_page: Page,
) -> None:
    chat = phone_page.get_by_test_id("guiderum-chat")
    expect(chat.locator(".gr-message--bot").first).to_be_visible()
    phone_page.get_by_test_id("talk-to-person").click()
    expect(chat.locator(".gr-message--bot").last).to_contain_text("112")  # acute numbers
    expect(chat).to_contain_text("08-508 00 508")  # nobody online: call, or be called back
    phone_page.get_by_test_id("callback-open").click()
    phone_page.get_by_test_id("callback-phone").fill("ring mig")
    phone_page.get_by_test_id("callback-send").click()
    expect(chat.get_by_role("alert")).to_contain_text("Skriv ett svenskt telefonnummer")
    phone_page.get_by_test_id("callback-phone").fill("070-123 45 67")
    phone_page.get_by_test_id("callback-send").click()
    expect(chat.locator(".gr-message--bot").last).to_contain_text("070-123 45 67")
    expect(phone_page.get_by_test_id("callback-open")).to_be_hidden()
