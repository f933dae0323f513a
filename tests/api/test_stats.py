"""The statistics dashboard through HTTP: a few conversations in, the figures, charts and CSV
out; only editors and admins see it; a bad filter gets a message an editor understands."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.staff import COOKIE
from tests.api.test_answers import ask
from tests.api.test_conversations import send, start
from tests.api.test_handoff import Agent, add_staff, staff_client
from tests.conftest import AppFactory, FakeRasa


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    # The real time: conversations are stamped with it, and the dashboard shows the last 30 days.
    return staff_client(make_client, datetime.now(UTC))


def logged_in(client: TestClient, role: str) -> dict[str, str]:
    add_staff(client, role, role)
    return {"Cookie": f"{COOKIE}={Agent(client, role).cookie}"}


def chat(client: TestClient, question: str, language: str = "sv", helpful: bool = True) -> None:
    conversation = start(client, language=language)
    assert send(client, conversation, text=question).status_code == 200
    answer: dict[str, Any] = ask(client, conversation, question, language)
    assert answer["decision"] == "answer", answer
    url = f"/internal/conversations/{conversation['conversation_id']}/feedback"
    client.post(url, json={"article_id": answer["article"]["id"], "helpful": helpful})


def test_the_dashboard_shows_the_conversations_just_held(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    fake_rasa.intent = "ask_question"
    chat(client, "Hur mycket är riksnormen 2026 för en vuxen som bor ensam?")
    chat(client, "Can I appeal the decision on my financial assistance?", "en", helpful=False)
    start(client)  # opened, nothing written
    editor = logged_in(client, "editor")

    page = client.get("/admin/stats", headers=editor)

    assert page.status_code == 200, page.text
    html = page.text
    assert "<dt>Samtal</dt><dd>3</dd>" in html
    assert "<dt>Där invånaren skrev något</dt><dd>2</dd>" in html
    assert "<dt>Besvarade utan en person</dt><dd>50 %</dd>" in html  # the unhelpful one is not
    for table in ("samtal-per-dag", "sprak", "amnen", "artiklar", "avsikter", "timmar"):
        assert f'data-testid="chart-{table}"' in html
    assert "Hur mycket är riksnormen" in html  # the article's title, not only its id
    assert "<td>en</td><td>1</td><td>33 %</td>" in html  # of three conversations


def test_every_table_exports_as_csv_with_the_same_filter(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    chat(client, "Hur mycket är riksnormen 2026 för en vuxen som bor ensam?")
    chat(client, "Can I appeal the decision on my financial assistance?", "en")
    editor = logged_in(client, "editor")

    everyone = client.get("/admin/stats/sprak.csv", headers=editor)
    english = client.get("/admin/stats/sprak.csv?language=en", headers=editor)

    assert everyone.status_code == 200
    assert everyone.text.startswith("\ufeffspråk;samtal;andel")
    assert sorted(everyone.text.splitlines()[1:]) == ["en;1;50 %", "sv;1;50 %"]
    assert english.text.splitlines()[1:] == ["en;1;100 %"]
    assert client.get("/admin/stats/nothing.csv", headers=editor).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Från: skriv datumet som ÅÅÅÅ-MM-DD."),
        ("from=2026-11-20&to=2026-11-01", "Från-datumet ska vara före till-datumet."),
        ("from=2024-01-01&to=2026-11-01", "Välj högst 400 dagar åt gången."),
        ("language=xx", "Språket &#x27;xx&#x27; finns inte i tjänsten."),
        ("district=atlantis", "Stadsdelen &#x27;atlantis&#x27; finns inte."),
    ],
)
def test_a_bad_filter_gets_a_page_that_says_what_to_fix(
    client: TestClient, query: str, message: str
) -> None:
    page = client.get(f"/admin/stats?{query}", headers=logged_in(client, "editor"))
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text


def test_only_editors_and_admins_see_the_statistics(client: TestClient) -> None:
    assert client.get("/admin/stats", headers=logged_in(client, "admin")).status_code == 200
    assert client.get("/admin/stats", headers=logged_in(client, "agent")).status_code == 403
    client.cookies.clear()
    anonymous = client.get("/admin/stats")
    assert anonymous.status_code == 401
    assert 'href="/agent"' in anonymous.text  # the way to log in
