"""Containment and the other summary figures, computed on constructed conversations; the
statistics outlive the transcripts; a rollup run twice counts nothing twice. Both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    ArticleFact,
    CallbackRequest,
    Conversation,
    ConversationEvent,
    ConversationFacts,
    Handoff,
    InboxQuestion,
    IntentFact,
    Message,
)
from bot.db.session import Database
from bot.services.opening_hours import OpeningHours
from bot.services.retention import purge
from bot.stats.rollup import SETTLE, StatsRollup

TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm, open
SATURDAY_NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
ROLLUP = StatsRollup(OpeningHours.load())


class Chat:
    """Writes one conversation's records the way the app does."""

    def __init__(self, session: Session, name: str, at: datetime = TUESDAY_MORNING) -> None:
        self.session, self.id, self.at = session, name, at
        session.add(Conversation(id=name, token_hash="x" * 64, language="sv", state="bot",
                                 created_at=at, updated_at=at))  # fmt: skip
        session.flush()

    def says(self, text: str, intent: str = "ask_question", confidence: float = 0.9) -> Chat:
        self.session.add(Message(conversation_id=self.id, sender="citizen", text=text,
                                 language="sv", intent=intent, confidence=confidence,
                                 buttons=[], links=[], created_at=self.at))  # fmt: skip
        return self

    def event(self, event_kind: str, **data: Any) -> Chat:
        self.session.add(ConversationEvent(conversation_id=self.id, kind=event_kind, data=data,
                                           created_at=self.at))  # fmt: skip
        self.session.flush()
        return self

    def answered(self, article: str = "riksnormen-2026", question: str = "hur mycket") -> Chat:
        return self.event("article_answer", article_ids=[article], topic="norm", question=question)

    def handoff(self, status: str, accepted_after: timedelta | None = None) -> Chat:
        accepted = self.at + accepted_after if accepted_after else None
        self.session.add(Handoff(conversation_id=self.id, status=status, reason="asked",
                                 language="sv", requested_at=self.at,
                                 accepted_at=accepted))  # fmt: skip
        return self


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    database = Database(database_url)
    with database.session() as session:
        yield session
    database.dispose()


def facts(session: Session) -> dict[str, ConversationFacts]:
    later = TUESDAY_MORNING + timedelta(days=7)
    ROLLUP.run(session, later)
    return {f.conversation_id: f for f in session.scalars(select(ConversationFacts))}


def test_containment_counts_only_answers_without_a_person(session: Session) -> None:
    Chat(session, "answered").says("hur mycket är normen").answered()
    Chat(session, "rated-helpful").says("normen").answered().event(
        "article_feedback", article_id="riksnormen-2026", helpful=True
    )
    Chat(session, "booked").says("boka").event("booking_made", district="jarva")
    Chat(session, "silent")  # opened the chat, wrote nothing
    Chat(session, "small-talk").says("hej", intent="greet")
    Chat(session, "unanswered").says("vad kostar en buss").event("unanswered", text="buss")
    Chat(session, "wanted-a-person").says("normen").answered().handoff(
        "ended", accepted_after=timedelta(minutes=4)
    )
    Chat(session, "nobody-free").says("människa").answered().handoff("unavailable")
    Chat(session, "call-back").says("normen").answered()
    session.add(CallbackRequest(conversation_id="call-back", phone="+46701234567",
                                preferred_time="any", language="sv"))  # fmt: skip
    Chat(session, "acute").says("jag har ingenstans att sova").answered().event(
        "acute", kind="homeless_tonight", via="keyword"
    )
    Chat(session, "not-helpful").says("normen").answered().event(
        "article_feedback", article_id="riksnormen-2026", helpful=False
    )

    found = facts(session)

    contained = {name for name, f in found.items() if f.contained}
    assert contained == {"answered", "rated-helpful", "booked"}
    assert found["silent"].citizen_messages == 0
    assert found["wanted-a-person"].handoff == "answered"
    assert found["wanted-a-person"].handoff_wait_seconds == 240
    assert found["nobody-free"].handoff == "unavailable"
    assert found["acute"].acute == "homeless_tonight"
    assert found["booked"].district == "jarva"
    assert found["booked"].booking == "booked"
    assert not found["answered"].outside_hours


def test_time_of_day_is_stockholm_time_and_outside_hours_is_the_contact_centres(
    session: Session,
) -> None:
    Chat(session, "saturday", at=SATURDAY_NIGHT).says("hej")
    found = facts(session)["saturday"]
    assert (found.day.isoformat(), found.hour, found.outside_hours) == ("2026-11-28", 23, True)


def test_the_statistics_outlive_the_transcripts(database_url: str) -> None:
    database = Database(database_url)
    with database.session() as session:
        Chat(session, "old", at=TUESDAY_MORNING - timedelta(days=40)).says("normen").answered(
            question="räcker normen"
        ).event("article_feedback", article_id="riksnormen-2026", helpful=False)
    assert purge(database, None, 30, ROLLUP, now=TUESDAY_MORNING) == 1
    with database.session() as session:
        assert session.get(Conversation, "old") is None
        kept = session.get(ConversationFacts, "old")
        assert kept is not None
        assert kept.answers == 1
        assert kept.not_helpful == 1
        kinds = sorted(session.scalars(select(ArticleFact.kind)))
        assert kinds == ["answer", "not_helpful"]
        # The editors' inbox keeps questions only as long as the transcripts.
        assert session.scalar(select(func.count()).select_from(InboxQuestion)) == 0
    database.dispose()


def test_a_second_rollup_counts_nothing_twice_and_catches_late_events(session: Session) -> None:
    chat = Chat(session, "c").says("normen").answered()
    session.commit()
    ROLLUP.run(session, TUESDAY_MORNING + timedelta(seconds=5))  # before the chat settled
    chat.event("article_feedback", article_id="riksnormen-2026", helpful=True)  # Rasa, a bit later
    session.commit()
    assert ROLLUP.pending(session) == ["c"]
    ROLLUP.run(session, TUESDAY_MORNING + SETTLE * 2)
    ROLLUP.run(session, TUESDAY_MORNING + SETTLE * 3)

    assert ROLLUP.pending(session) == []
    assert session.get(ConversationFacts, "c").helpful == 1  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(ArticleFact)) == 2
    assert session.scalar(select(func.count()).select_from(IntentFact)) == 1


def test_badly_answered_questions_reach_the_inbox_with_their_reason(session: Session) -> None:
    Chat(session, "a").says("x").event("unanswered", text="vad kostar busskort", language="sv")
    Chat(session, "b").says("y").event(
        "article_clarify", article_ids=["a1", "a2"], topic="norm", question="pengar till glasögon"
    )
    Chat(session, "c").says("z").answered(question="räcker normen till hyran").event(
        "article_feedback", article_id="riksnormen-2026", helpful=False
    )
    facts(session)
    found = {(q.reason, q.text, q.article_id) for q in session.scalars(select(InboxQuestion))}
    assert found == {
        ("unanswered", "vad kostar busskort", None),
        ("clarify", "pengar till glasögon", None),
        ("not_helpful", "räcker normen till hyran", "riksnormen-2026"),
    }
