"""Staff and meetings: admins publish meeting times, agents see the bookings per district and
day with interpreter needs, export CSV; calendar programs read a feed without personal data."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.api.test_booking import MONDAY_MORNING, Citizen, book
from tests.api.test_handoff import Agent, add_staff, staff_client
from tests.conftest import AppFactory, FakeRasa


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return staff_client(make_client, MONDAY_MORNING)


@pytest.fixture
def admin(client: TestClient) -> Agent:
    add_staff(client, "root", role="admin")
    return Agent(client, "root")


def publish_tuesdays(admin: Agent) -> None:
    response = admin.call("POST", "/slots/templates", {
        "district": "jarva", "weekday": 1, "start": "09:00", "end": "12:00", "minutes": 45,
        "valid_from": "2026-11-01",
    })  # fmt: skip
    assert response.status_code == 201, response.text


def test_a_booking_made_in_the_chat_is_seen_by_staff(
    client: TestClient, fake_rasa: FakeRasa, admin: Agent
) -> None:
    publish_tuesdays(admin)
    reference = book(Citizen(client, fake_rasa, "ar"), interpreter="language:ar")
    add_staff(client, "anna")
    anna = Agent(client, "anna")

    day = anna.call("GET", "/bookings?district=jarva&day=2026-11-24").json()
    [row] = day["bookings"]
    assert row["reference"] == reference
    assert row["interpreter"] == "العربية (ar)"
    assert (row["name"], row["phone"]) == ("Amina Hassan", "+46701234567")
    assert row["starts_at"].startswith("2026-11-24T09:00:00+01:00")

    export = anna.call("GET", "/bookings.csv?district=jarva&from=2026-11-23&to=2026-11-30")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["datum", "tid", "minuter", "stadsdel", "bokningsnummer"]
    assert rows[1][4] == reference
    assert rows[1][6] == "العربية (ar)"

    [jarva] = [d for d in anna.call("GET", "/districts").json() if d["id"] == "jarva"]
    feed = client.get(jarva["feed_url"].removeprefix("http://127.0.0.1:8000"))
    assert feed.status_code == 200
    assert reference in feed.text
    assert "TOLK" in feed.text
    assert "Amina" not in feed.text
    assert "46701234567" not in feed.text
    assert client.get("/calendar/jarva.ics?key=guess").status_code == 404


def test_only_admins_publish_meeting_times(client: TestClient, admin: Agent) -> None:
    add_staff(client, "anna")
    anna = Agent(client, "anna")
    template = {
        "district": "jarva", "weekday": 1, "start": "09:00", "end": "12:00", "minutes": 45,
        "valid_from": "2026-11-01",
    }  # fmt: skip
    assert anna.call("POST", "/slots/templates", template).status_code == 403
    refused = admin.call("POST", "/slots/templates", {**template, "start": "13:00"})
    assert refused.status_code == 422
    assert "Sluttiden måste vara efter starttiden" in refused.json()["error"]["message"]
    assert admin.call("POST", "/slots/templates", template).status_code == 201
    assert len(admin.call("GET", "/slots").json()["templates"]) == 1


def test_closing_a_day_lists_the_meetings_staff_must_move(
    client: TestClient, fake_rasa: FakeRasa, admin: Agent
) -> None:
    publish_tuesdays(admin)
    reference = book(Citizen(client, fake_rasa, "en"))
    closed = admin.call(
        "POST", "/slots/closed-days", {"district": "jarva", "day": "2026-11-24", "reason": "Kurs"}
    )
    assert closed.status_code == 201
    assert [b["reference"] for b in closed.json()["bookings_to_move"]] == [reference]
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    citizen.say("kista")
    citizen.press("apply")
    citizen.press("no")
    offered = [b["title"] for m in citizen.last["messages"] for b in m["buttons"]]
    assert not any("November 24" in title for title in offered)  # the closed Tuesday


def test_the_bookings_page_needs_a_login_for_its_data(client: TestClient) -> None:
    assert client.get("/agent/bookings").status_code == 200  # the page itself is static
    assert client.get("/agent/api/bookings?district=jarva&day=2026-11-24").status_code == 401
