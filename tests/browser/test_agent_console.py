"""The agent console in real headless Chromium against the real system: log in, see the waiting
chat with its whole transcript (citizen text escaped), accept, reply, close."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.clients import PASSWORD, create_agent
from tests.integration.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def console_page(browser: Browser, stack: Stack) -> Iterator[Page]:
    create_agent(stack, "berit.browser", "Berit")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{stack.urls[1]}/agent")
    yield page
    if page.locator("#logout").is_visible():
        page.locator("#logout").click()  # offline again: other tests see no agent
        expect(page.locator("#login")).to_be_visible()
    context.close()


def test_agent_logs_in_accepts_replies_and_closes(console_page: Page, stack: Stack) -> None:
    page = console_page
    page.get_by_label("Användarnamn").fill("berit.browser")
    page.get_by_label("Lösenord").fill("not the password")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#login-error")).to_have_text("Fel användarnamn eller lösenord.")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#who")).to_contain_text("Berit")
    expect(page.locator("#status")).to_have_value("online")

    citizen = httpx.Client(base_url=stack.url, timeout=60)
    started = citizen.post("/api/conversations", json={"language": "sv"}).json()
    citizen.headers["Authorization"] = f"Bearer {started['token']}"
    messages = f"/api/conversations/{started['conversation_id']}/messages"
    citizen.post(messages, json={"text": XSS})
    queued = citizen.post(messages, json={"payload": "/contact_person"}).json()
    assert queued["state"] == "queued"

    waiting = page.locator("#queue button").first
    expect(waiting).to_contain_text("tryckte på knappen")  # live over the WebSocket, via Redis
    expect(page.locator("#badge")).to_have_text("1 väntar")
    waiting.click()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(XSS)  # shown as text, exactly as typed
    assert transcript.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None

    page.get_by_role("button", name="Ta chatten").click()
    expect(page.locator("#chat-meta")).to_contain_text("Du har chatten")
    page.get_by_label("Svar till medborgaren").fill("Hej! Jag heter Berit.")
    page.get_by_role("button", name="Skicka").click()
    expect(transcript).to_contain_text("Hej! Jag heter Berit.")

    page.get_by_label("Utfall").select_option("resolved")
    page.get_by_role("button", name="Avsluta").click()
    expect(page.locator("#chat-meta")).to_contain_text("Status: bot")
    after = citizen.get(f"/api/conversations/{started['conversation_id']}").json()
    assert after["state"] == "bot"
    texts = [m["text"] for m in after["messages"]]
    assert "Hej! Jag heter Berit." in texts
    assert "Berit" in (texts[-1] or "")  # "Berit has ended the chat", in the chat's language
    citizen.close()
