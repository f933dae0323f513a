"""Handing a chat to a person, on SQLite and PostgreSQL, with a frozen clock: the queue, the
outside-hours path, priority, language-first offering, call-backs and the atomic accept."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import ApiError
from bot.db.models import CallbackRequest, Conversation, ConversationEvent, Handoff, User
from bot.db.session import Database
from bot.schemas import CallbackIn
from bot.services.agent_desk import AgentDesk
from bot.services.broker import LocalBroker
from bot.services.contacts import load_contacts
from bot.services.handoff import HandoffService, normalise_phone
from bot.services.languages import LanguageRegistry
from bot.services.opening_hours import OpeningHours
from bot.services.queue import QueueRules
from bot.services.rasa_client import RasaClient
from bot.services.staff import StaffAccounts
from tests.conftest import FakeRasa

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
RULES = QueueRules(
    max_waiting=15,
    minutes_per_chat=8.0,
    language_first=timedelta(seconds=60),
    agent_seen=timedelta(seconds=90),
)
LANGUAGES = LanguageRegistry.load()


@dataclass
class Desk:
    """A test's view of the contact centre: a database, a clock it controls, the broker."""

    database: Database
    fake_rasa: FakeRasa
    broker: LocalBroker
    now: datetime
    rules: QueueRules = RULES

    def clock(self) -> datetime:
        return self.now.astimezone(UTC)

    def handoffs(self, session: Session) -> HandoffService:
        rasa = RasaClient(
            "http://rasa", "http://actions", transport=httpx.MockTransport(self.fake_rasa.handler)
        )
        return HandoffService(
            session, LANGUAGES, load_contacts(), OpeningHours.load(), self.clock,
            self.broker, rasa, self.rules,
        )  # fmt: skip

    def conversation(self, session: Session, language: str = "en") -> Conversation:
        conversation = Conversation(
            id=str(uuid.uuid4()),
            token_hash="x",
            language=language,
            state="bot",
        )
        session.add(conversation)
        session.commit()
        return conversation

    def agent(self, session: Session, name: str, languages: list[str], online: bool = True) -> User:
        accounts = StaffAccounts(session, 5, timedelta(minutes=15), timedelta(hours=1))
        user = accounts.create(name, "a long enough password", "agent", name.title(), languages)
        user.status = "online" if online else "away"
        user.last_seen_at = self.clock()
        session.commit()
        return user


@pytest.fixture
def desk(database_url: str, fake_rasa: FakeRasa) -> Iterator[Desk]:
    database = Database(database_url)
    yield Desk(database, fake_rasa, LocalBroker(), TUESDAY_MORNING)
    database.dispose()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


# -- outside opening hours ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "next_opening", "english"),
    [
        # Summer Fridays close at 15:00; the next opening is Monday 08:00 (CEST).
        (at(2026, 7, 17, 15, 30), at(2026, 7, 20, 8, 0), "Monday, July 20, 2026 at 08:00"),
        # Julafton is closed; juldagen, the weekend: Monday 28 December.
        (at(2026, 12, 24, 10, 0), at(2026, 12, 28, 8, 0), "Monday, December 28, 2026 at 08:00"),
        # Friday evening before summer time starts (29 March): Monday 08:00 is UTC+2.
        (at(2026, 3, 27, 17, 0), at(2026, 3, 30, 8, 0), "Monday, March 30, 2026 at 08:00"),
        # Weekday evening: tomorrow.
        (at(2026, 11, 24, 18, 0), at(2026, 11, 25, 8, 0), "tomorrow at 08:00"),
    ],
)
def test_outside_hours_the_citizen_hears_when_a_person_is_next_available(
    desk: Desk, now: datetime, next_opening: datetime, english: str
) -> None:
    desk.now = now
    with desk.database.session() as session:
        desk.agent(session, "anna", ["sv", "en"])  # online, but the centre is closed
        conversation = desk.conversation(session, "en")
        reply = desk.handoffs(session).request(conversation, "asked")
        assert reply.status.status == "closed"
        assert reply.status.next_available == next_opening
        assert reply.status.next_available.utcoffset() == next_opening.utcoffset()
        assert reply.status.callback is True
        assert english in (reply.messages[0].text or "")
        assert "call you back" in (reply.messages[0].text or "")
        booking = reply.messages[1]  # the other way to meet a person: a booked meeting
        assert reply.status.booking is True
        assert [b.payload for b in booking.buttons] == ["/book_meeting"]
        urgent = reply.messages[2]
        assert [link.url for link in urgent.links] == ["tel:112", "tel:+46850840000"]
        assert conversation.state == "bot"  # the bot keeps answering meanwhile
        recorded = session.scalars(select(Handoff)).one()
        assert (recorded.status, recorded.unavailable_because) == ("unavailable", "closed")
    assert desk.fake_rasa.tracker_events == []  # Rasa is not paused


def test_the_next_opening_is_said_in_the_citizens_language(desk: Desk) -> None:
    desk.now = at(2026, 12, 24, 10, 0)
    with desk.database.session() as session:
        swedish = desk.handoffs(session).request(desk.conversation(session, "sv"), "asked")
        arabic = desk.handoffs(session).request(desk.conversation(session, "ar"), "asked")
    assert "måndag 28 december 2026 klockan 08:00" in (swedish.messages[0].text or "")
    assert "الاثنين" in (arabic.messages[0].text or "")  # Monday, in Arabic


def test_open_but_no_agent_online_or_queue_full_offers_the_alternatives(desk: Desk) -> None:
    with desk.database.session() as session:
        desk.agent(session, "away", ["sv"], online=False)
        alone = desk.handoffs(session).request(desk.conversation(session), "asked")
        assert alone.status.status == "no_agents"
        assert "08-508 00 508" in (alone.messages[0].text or "")

        desk.agent(session, "anna", ["sv"])
        desk.rules = QueueRules(1, 8.0, timedelta(seconds=60), timedelta(seconds=90))
        first = desk.handoffs(session).request(desk.conversation(session), "asked")
        full = desk.handoffs(session).request(desk.conversation(session, "sv"), "asked")
    assert first.status.status == "queued"
    assert full.status.status == "queue_full"
    assert full.status.callback is True


def test_an_agent_whose_console_went_silent_does_not_count_as_online(desk: Desk) -> None:
    with desk.database.session() as session:
        desk.agent(session, "anna", ["sv"])
        desk.now += timedelta(seconds=91)
        reply = desk.handoffs(session).request(desk.conversation(session), "asked")
    assert reply.status.status == "no_agents"


# -- the queue ---------------------------------------------------------------------------


def test_queue_positions_wait_estimates_and_acute_chats_first(desk: Desk) -> None:
    with desk.database.session() as session:
        desk.agent(session, "anna", ["sv", "en"])
        handoffs = desk.handoffs(session)
        first = desk.conversation(session)
        queued = handoffs.request(first, "asked")
        assert (queued.status.status, queued.status.position) == ("queued", 1)
        assert queued.status.wait_minutes == 8  # one agent, the assumed 8 minutes per chat
        assert "number 1 in the queue" in (queued.messages[0].text or "")
        assert first.state == "queued"
        desk.now += timedelta(seconds=5)
        second = desk.conversation(session)
        assert handoffs.request(second, "asked").status.position == 2

        acute = desk.conversation(session)
        session.add(ConversationEvent(conversation_id=acute.id, kind="acute", data={}))
        session.commit()
        desk.now += timedelta(seconds=5)
        assert handoffs.request(acute, "button").status.position == 1
        assert handoffs.status(first).position == 2  # type: ignore[union-attr]
        assert handoffs.status(second).position == 3  # type: ignore[union-attr]
    assert desk.fake_rasa.tracker_events.count({"event": "pause"}) == 3


def test_asking_again_while_waiting_changes_nothing(desk: Desk) -> None:
    with desk.database.session() as session:
        desk.agent(session, "anna", ["en"])
        conversation = desk.conversation(session)
        desk.handoffs(session).request(conversation, "asked")
        again = desk.handoffs(session).request(conversation, "asked")
        assert again.messages == []
        assert again.status.position == 1
        assert len(session.scalars(select(Handoff)).all()) == 1


def test_a_chat_is_offered_first_to_agents_who_speak_its_language(desk: Desk) -> None:
    with desk.database.session() as session:
        swedish_only = desk.agent(session, "sven", ["sv"])
        desk.agent(session, "amira", ["sv", "ar"])
        arabic = desk.conversation(session, "ar")
        desk.handoffs(session).request(arabic, "asked")
        finnish = desk.conversation(session, "fi")  # nobody online speaks Finnish
        desk.handoffs(session).request(finnish, "asked")
        queue = {
            e.language: e
            for e in AgentDesk(session, desk.handoffs(session)).queue_for(swedish_only)
        }
        assert queue["ar"].offered_to_you is False
        assert queue["fi"].offered_to_you is True
        desk.now += timedelta(seconds=61)
        later = AgentDesk(session, desk.handoffs(session)).queue_for(swedish_only)
        assert all(entry.offered_to_you for entry in later)


# -- accepting, talking, handing back --------------------------------------------------------


def test_twenty_agents_accepting_the_same_chat_at_once_exactly_one_gets_it(desk: Desk) -> None:
    with desk.database.session() as session:
        agents = [desk.agent(session, f"agent{n}", ["sv"]) for n in range(20)]
        conversation = desk.conversation(session)
        desk.handoffs(session).request(conversation, "asked")
        agent_ids, conversation_id = [a.id for a in agents], conversation.id

    barrier = threading.Barrier(len(agent_ids))
    results: list[str] = []
    lock = threading.Lock()

    def press_accept(agent_id: int) -> None:
        barrier.wait(30)  # all twenty press at the same moment
        with desk.database.session() as session:
            agent = session.get(User, agent_id)
            assert agent is not None
            desk_of_agent = AgentDesk(session, desk.handoffs(session))
            try:
                desk_of_agent.accept(agent, conversation_id)
                outcome = "won"
            except ApiError as error:
                outcome = error.code
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=press_accept, args=(a,)) for a in agent_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == ["already_taken"] * 19 + ["won"]
    with desk.database.session() as session:
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.status == "active"
        assert handoff.agent_id in agent_ids
        assert session.get(Conversation, conversation_id).state == "agent"  # type: ignore[union-attr]


def test_hand_back_and_close_record_the_outcome_and_resume_the_bot(desk: Desk) -> None:
    with desk.database.session() as session:
        anna = desk.agent(session, "anna", ["en"])
        conversation = desk.conversation(session)
        handoffs = desk.handoffs(session)
        handoffs.request(conversation, "asked")
        agent_desk = AgentDesk(session, handoffs)
        desk.now += timedelta(minutes=2)
        agent_desk.accept(anna, conversation.id)
        agent_desk.send(anna, conversation.id, "Hello, I am Anna.")
        with pytest.raises(ApiError) as wrong:
            agent_desk.close(anna, conversation.id, "went_fishing")
        assert wrong.value.status == 422
        desk.now += timedelta(minutes=6)
        agent_desk.close(anna, conversation.id, "resolved")
        handoff = session.scalars(select(Handoff)).one()
        assert (handoff.status, handoff.outcome) == ("ended", "resolved")
        assert handoff.ended_at is not None
        assert handoff.accepted_at is not None
        assert conversation.state == "bot"
        with pytest.raises(ApiError) as gone:
            agent_desk.send(anna, conversation.id, "still there?")
        assert gone.value.code == "not_your_chat"
    assert desk.fake_rasa.tracker_events == [{"event": "pause"}, {"event": "resume"}]


# -- call-back requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("070-123 45 67", "+46701234567"),
        ("08-508 00 508", "+46850800508"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("(070) 123.45.67", "+46701234567"),
    ],
)
def test_phone_numbers_in_the_ways_people_write_them(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "070-ABC", "+0701234567", "0" * 13, "ring mig"])
def test_what_is_not_a_phone_number(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_a_call_back_request_is_validated_in_the_citizens_language_and_kept(desk: Desk) -> None:
    desk.now = at(2026, 12, 24, 10, 0)
    with desk.database.session() as session:
        conversation = desk.conversation(session, "sv")
        handoffs = desk.handoffs(session)
        with pytest.raises(ApiError) as bad_phone:
            handoffs.leave_callback(conversation, CallbackIn(phone="ring mig"))
        assert bad_phone.value.message.startswith("Skriv ett svenskt telefonnummer")
        with pytest.raises(ApiError) as bad_time:
            handoffs.leave_callback(
                conversation, CallbackIn(phone="0701234567", preferred_time="midnight")
            )
        assert bad_time.value.code == "callback_time_invalid"
        saved = handoffs.leave_callback(
            conversation,
            CallbackIn(phone="070-123 45 67", preferred_time="morning", language="ar"),
        )
        assert "070-123 45 67" in (saved.text or "")
        assert "العربية" in (saved.text or "")  # the call's language, by its own name
        callback = session.scalars(select(CallbackRequest)).one()
        assert (callback.phone, callback.preferred_time, callback.language) == (
            "+46701234567", "morning", "ar",
        )  # fmt: skip
        assert AgentDesk(session, handoffs).open_callbacks()[0].id == callback.id
