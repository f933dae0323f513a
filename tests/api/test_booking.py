"""Booking a meeting through the chat API, with a stand-in Rasa: the form's steps in three
languages, every validation error, cancel and reschedule, and a slot lost to someone else."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.deps import Components
from bot.db.models import Booking, Message
from bot.services.booking import REFERENCE_ALPHABET
from bot.services.booking_form import choice_payload
from bot.services.slots import SlotCalendar
from tests.api.test_handoff import send, start
from tests.conftest import AppFactory, FakeRasa

MONDAY_MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
WANTS = {
    "sv": {"book": "jag vill boka en tid hos handläggare", "change": "jag vill avboka min tid"},
    "en": {"book": "I want to book a meeting", "change": "I want to cancel my meeting"},
    "ar": {"book": "أريد حجز موعد مع الموظف", "change": "أريد إلغاء موعدي"},
}
REFERENCE = re.compile(f"^[{REFERENCE_ALPHABET}]{{6}}$")


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    client = make_client()
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: MONDAY_MORNING
    return with_meeting_times(client)


def with_meeting_times(client: TestClient) -> TestClient:
    """Meeting times at Järva (Tue, Wed 09–12) and Skärholmen (Thu 13–15) from 23 November."""
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        calendar = SlotCalendar(session, components.districts)
        for weekday in (1, 2):
            calendar.add_template("jarva", weekday, "09:00", "12:00", 45, date(2026, 11, 1))
        calendar.add_template("skarholmen", 3, "13:00", "15:00", 60, date(2026, 11, 1))
        calendar.publish(date(2026, 11, 23), weeks=5)
    return client


class Citizen:
    """A citizen in the widget: starts a chat, types, presses the form's buttons."""

    def __init__(self, client: TestClient, fake_rasa: FakeRasa, language: str) -> None:
        self.client = client
        self.conversation = start(client, language)
        self.fake_rasa = fake_rasa
        self.last: dict[str, Any] = {}

    def wants_to(self, purpose: str) -> dict[str, Any]:
        """Typed words that Rasa understands as book_meeting / cancel_booking."""
        self.fake_rasa.reply = [{"custom": {"booking": purpose}}]
        return self.say(WANTS[self.conversation["language"]][purpose])

    def say(self, text: str) -> dict[str, Any]:
        self.last = send(self.client, self.conversation, text=text)
        return self.last

    def press(self, value: str) -> dict[str, Any]:
        payload = choice_payload(value)
        assert payload in self.buttons(), f"{value!r} not offered: {self.buttons()}"
        self.last = send(self.client, self.conversation, payload=payload)
        return self.last

    def press_first_slot(self) -> dict[str, Any]:
        slot = next(p for p in self.buttons() if '"slot:' in p)
        self.last = send(self.client, self.conversation, payload=slot)
        return self.last

    def buttons(self) -> list[str]:
        return [b["payload"] for m in self.last["messages"] for b in m["buttons"]]

    def text(self) -> str:
        return "\n".join(m["text"] or "" for m in self.last["messages"])

    @property
    def step(self) -> str:
        return str(self.last["meta"]["booking"]["step"])


def book(citizen: Citizen, interpreter: str = "no", phone: str = "070-123 45 67") -> str:
    """The whole booking dialogue; returns the booking reference."""
    assert citizen.wants_to("book")["meta"]["booking"]["step"] == "district"
    citizen.say("tensta")
    assert citizen.step == "meeting_type"
    citizen.press("apply")
    assert citizen.step == "interpreter"
    citizen.press(interpreter)
    assert citizen.step == "slot"
    citizen.press_first_slot()
    assert citizen.step == "name"
    citizen.say("Amina Hassan")
    assert citizen.step == "phone"
    citizen.say(phone)
    assert citizen.step == "email"
    citizen.press("skip")
    assert citizen.step == "confirm"
    citizen.press("confirm")
    assert citizen.step == "booked"
    return str(citizen.last["meta"]["booking"]["reference"])


@pytest.mark.parametrize(
    ("language", "interpreter", "words"),
    [
        ("sv", "no", ["Du hör till stadsdelsförvaltningen Järva", "Ditt möte är bokat"]),
        ("en", "no", ["You belong to the district office Järva", "Your meeting is booked"]),
        ("ar", "language:ar", ["Järva", "K"]),
    ],
)
def test_a_citizen_books_a_meeting_in_their_language(
    client: TestClient, fake_rasa: FakeRasa, language: str, interpreter: str, words: list[str]
) -> None:
    citizen = Citizen(client, fake_rasa, language)
    reply = citizen.wants_to("book")
    assert reply["meta"]["booking"] == {
        "purpose": "book", "step": "district", "failures": 0, "given": []
    }  # fmt: skip
    citizen.say("tensta")
    assert words[0] in citizen.text()
    assert citizen.last["meta"]["booking"]["district"] == "jarva"
    citizen.press("apply")
    citizen.press(interpreter)
    slots = [b for m in citizen.last["messages"] for b in m["buttons"] if '"slot:' in b["payload"]]
    assert len(slots) == 6  # the first page of free times, as dates in the citizen's language
    if language == "sv":
        assert slots[0]["title"] == "tisdag 24 november 2026 09:00"
    if language == "en":
        assert slots[0]["title"] == "Tuesday, November 24, 2026 09:00"
    citizen.press_first_slot()
    citizen.say("Amina Hassan")
    citizen.say("070-123 45 67")
    assert citizen.last["meta"]["booking"]["given"] == ["name", "phone"]
    citizen.press("skip")
    assert "+46701234567" in citizen.text()  # the summary, before anything is booked
    assert "Amina Hassan" in citizen.text()

    booked = citizen.press("confirm")
    status = booked["meta"]["booking"]
    assert status["step"] == "booked"
    assert REFERENCE.match(status["reference"])
    assert status["reference"] in citizen.text()
    assert words[1] in citizen.text()
    calendar_link = booked["messages"][0]["links"][0]["url"]
    assert calendar_link == status["calendar_url"]
    # What to bring: the catalogue's article, with its source and date.
    assert any(
        "handlingar-till-ansokan" in link["url"] for m in booked["messages"] for link in m["links"]
    )

    ics = client.get(calendar_link.removeprefix("http://127.0.0.1:8000"))
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "DTSTART:20261124T080000Z" in ics.text  # 09:00 in Stockholm
    assert status["reference"] in ics.text

    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        stored = session.scalars(select(Booking)).one()
        assert (stored.phone, stored.district, stored.language) == (
            "+46701234567",
            "jarva",
            language,
        )
        assert stored.interpreter_language == (language if language == "ar" else None)
        logged = " ".join(m.text or "" for m in session.scalars(select(Message)))
        assert "123 45 67" not in logged  # the chat log keeps the phone number redacted


def test_a_wrong_key_does_not_give_the_calendar_file(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    reference = book(Citizen(client, fake_rasa, "en"))
    assert client.get(f"/api/bookings/{reference}/calendar.ics?key=guess").status_code == 404


def test_places_are_found_without_accents_and_with_typing_mistakes(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    citizen.say("rinkebi")
    assert citizen.last["meta"]["booking"]["district"] == "jarva"


def test_every_wrong_answer_gets_a_clear_re_prompt(client: TestClient, fake_rasa: FakeRasa) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")

    citizen.say("Solna")
    assert "Solna is not in the City of Stockholm" in citizen.text()
    assert citizen.step == "district"
    citizen.say("hammarby")
    assert "Which of these do you mean?" in citizen.text()
    assert choice_payload("district:skarpnack") in citizen.buttons()
    assert choice_payload("district:sodermalm") in citizen.buttons()
    citizen.press("homeless")
    assert "where you were last registered" in citizen.text()
    assert "08-508 25 301" in citizen.text()
    citizen.say("xyzzy")
    assert "I do not recognise that place" in citizen.text()
    assert len([p for p in citizen.buttons() if "district:" in p]) == 11
    citizen.press("district:skarholmen")
    assert citizen.step == "meeting_type"

    citizen.say("maybe")
    assert "Please choose" in citizen.text()
    citizen.say("1")  # the first option, by its number
    assert citizen.last["meta"]["booking"]["meeting_type"] == "apply"
    citizen.say("Arabic")  # the language itself, typed
    assert citizen.last["meta"]["booking"]["interpreter"] == "Arabic"
    citizen.say("next week")
    assert "Please choose one of the times" in citizen.text()
    citizen.press_first_slot()

    citizen.say("R2-D2")
    assert "Please write your name with letters" in citizen.text()
    citizen.say("Amina Hassan")
    citizen.say("12")
    assert "does not look like a phone number" in citizen.text()
    citizen.say("+46 70 123 45 67")
    citizen.say("amina at mail")
    assert "does not look like an e-mail address" in citizen.text()
    citizen.say("amina@example.se")
    citizen.say("hmm")
    assert "Yes, book it" in citizen.text()  # says which button books
    assert citizen.step == "confirm"


def test_three_wrong_answers_in_a_row_offer_a_person(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "sv")
    citizen.wants_to("book")
    citizen.say("tensta")
    citizen.press("apply")
    citizen.press("no")
    citizen.press_first_slot()
    for attempt in range(3):
        citizen.say("123")
        assert ("/contact_person" in citizen.buttons()) == (attempt == 2)
    assert citizen.last["meta"]["booking"]["failures"] == 3
    assert "En person på Kontaktcenter kan hjälpa dig" in citizen.text()


def test_a_personnummer_is_not_needed_and_not_kept(client: TestClient, fake_rasa: FakeRasa) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    citizen.say("tensta")
    citizen.press("apply")
    citizen.press("no")
    citizen.press_first_slot()
    citizen.say("Amina Hassan 19900101-1239")
    assert "You do not need to give your personal identity number" in citizen.text()
    assert citizen.step == "phone"  # the name was taken, the number left out
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    with components.database.session() as session:
        logged = " ".join(m.text or "" for m in session.scalars(select(Message)))
    assert "19900101" not in logged


def test_stop_ends_the_form_and_nothing_is_booked(client: TestClient, fake_rasa: FakeRasa) -> None:
    citizen = Citizen(client, fake_rasa, "sv")
    citizen.wants_to("book")
    citizen.say("tensta")
    asked = len(fake_rasa.received)
    citizen.say("avbryt")
    assert citizen.step == "stopped"
    assert "Inget har bokats" in citizen.text()
    assert len(fake_rasa.received) == asked  # the form answered, not Rasa
    fake_rasa.reply = [{"text": "Hej!"}]
    assert citizen.say("hur söker jag?")["meta"]["booking"] is None  # back to the assistant


def test_cancel_frees_the_slot_and_reschedule_moves_the_booking(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    reference = book(Citizen(client, fake_rasa, "en"))
    components: Components = client.app.state.components  # type: ignore[attr-defined]

    def booked_slot() -> int | None:
        with components.database.session() as session:
            return session.scalars(select(Booking)).one().slot_id

    first_slot = booked_slot()
    later = Citizen(client, fake_rasa, "en")
    assert later.wants_to("change")["meta"]["booking"]["step"] == "reference"
    later.say("not-a-ref")
    assert "6 letters and numbers" in later.text()
    later.say(reference.lower())
    later.say("070-999 99 99")  # the wrong phone number
    assert "cannot find a booking" in later.text()
    assert later.step == "reference"
    later.say(reference)
    later.say("0701234567")
    assert later.step == "change"
    assert "Tuesday, November 24" in later.text()

    later.press("move")
    second = next(p for p in later.buttons()[1:] if '"slot:' in p)  # not the first free time
    later.last = send(client, later.conversation, payload=second)
    assert later.step == "confirm_move"
    later.press("confirm")
    assert later.step == "moved"
    assert reference in later.text()
    moved_to = booked_slot()
    assert moved_to not in (None, first_slot)
    assert _is_free(components, first_slot)

    again = Citizen(client, fake_rasa, "en")
    again.wants_to("change")
    again.say(reference)
    again.say("+46701234567")
    again.press("cancel")
    assert again.step == "cancelled"
    assert "is cancelled" in again.text()
    assert booked_slot() is None
    assert _is_free(components, moved_to)


def test_a_slot_taken_meanwhile_gives_other_times(client: TestClient, fake_rasa: FakeRasa) -> None:
    first, second = Citizen(client, fake_rasa, "en"), Citizen(client, fake_rasa, "en")
    for citizen in (first, second):
        citizen.wants_to("book")
        citizen.say("kista")
        citizen.press("apply")
        citizen.press("no")
        citizen.press_first_slot()  # the same slot
        citizen.say("Amina Hassan")
        citizen.say("0701234567")
        citizen.press("skip")
    first.press("confirm")
    assert first.step == "booked"
    second.press("confirm")
    assert second.step == "slot"
    assert "someone else just booked that time" in second.text()
    taken = json.dumps(first.last["meta"]["booking"]["starts_at"])
    assert taken not in second.text()
    second.press_first_slot()
    assert second.step == "confirm"  # name and phone are kept
    second.press("confirm")
    assert second.step == "booked"


def test_booking_buttons_work_without_rasa(client: TestClient, fake_rasa: FakeRasa) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    fake_rasa.up = False
    reply = send(client, citizen.conversation, payload="/book_meeting")
    assert reply["meta"]["booking"]["step"] == "district"


def test_a_form_button_cannot_be_forged_into_a_slot_of_another_district(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    citizen.say("bredäng")  # Skärholmen
    citizen.press("apply")
    citizen.press("no")
    citizen.last = send(client, citizen.conversation, payload=choice_payload("slot:1"))  # Järva's
    assert citizen.step == "slot"


def _is_free(components: Components, slot_id: int | None) -> bool:
    with components.database.session() as session:
        free = SlotCalendar(session, components.districts).free_slots(
            "jarva", MONDAY_MORNING, datetime(2027, 1, 1, tzinfo=UTC), 1000
        )
    return slot_id in {slot.id for slot in free}


def test_a_citizen_who_meant_a_booked_meeting_can_switch(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    citizen.press("change")  # "I want to cancel or move a booked meeting"
    assert citizen.last["meta"]["booking"]["purpose"] == "change"
    assert citizen.step == "reference"
    citizen.press("book")
    assert (citizen.last["meta"]["booking"]["purpose"], citizen.step) == ("book", "district")


def test_a_form_left_idle_gives_way_to_the_assistant(
    client: TestClient, fake_rasa: FakeRasa
) -> None:
    citizen = Citizen(client, fake_rasa, "en")
    citizen.wants_to("book")
    components: Components = client.app.state.components  # type: ignore[attr-defined]
    components.clock = lambda: MONDAY_MORNING + timedelta(minutes=31)
    fake_rasa.reply = [{"text": "You apply at your district office."}]
    reply = citizen.say("how do I apply?")
    assert reply["meta"]["booking"] is None
    assert "district office" in citizen.text()
