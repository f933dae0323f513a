"""Sums conversations up into the statistics tables, before their transcripts are deleted.

The conversation's own records (events, messages, handoffs) are the source; they go after
`RETENTION_DAYS`. The summary rows (`stats_conversations`, `stats_articles`, `stats_intents`)
hold no text a citizen wrote and stay, so the dashboard can show a year. Questions answered
badly also go to the editors' inbox (`inbox_questions`, redacted text, deleted with the
transcripts).

A conversation is summed up again when it changed since, or when it was summed up less than
`SETTLE` after its last activity (`settled` false): Rasa's actions record answers a moment
after the citizen's message. Every write is an upsert keyed by the source row, so two
processes rolling up at once, or a rollup run twice, count nothing twice.

Usage:
    rollup = StatsRollup(hours)
    rollup.update(database, now)                # everything pending, in its own session
    rollup.conversations(session, ids, now)     # these, e.g. just before purging them
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.db.batches import batches
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
    as_utc,
)
from bot.db.session import Database
from bot.db.upsert import insert_for
from bot.services.opening_hours import OpeningHours
from bot.services.slots import STOCKHOLM
from bot.stats.daily import refresh_days

log = logging.getLogger(__name__)
SETTLE = timedelta(minutes=10)
# stats_conversations.handoff: what became of the citizen's wish to talk to a person.
HANDOFF_RESULTS = ("unavailable", "waiting", "left_queue", "answered")
BOOKING_EVENTS = {
    "booking_made": "booked",
    "booking_moved": "moved",
    "booking_cancelled": "cancelled",
}


@dataclass
class ConversationRecord:
    """Everything the statistics read about one conversation."""

    conversation: Conversation
    events: list[ConversationEvent] = field(default_factory=list)
    citizen_messages: list[Message] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    callbacks: int = 0


def is_contained(facts: ConversationFacts) -> bool:
    """Answered without a person (docs/statistics.md): the citizen wrote, got at least one
    catalogue answer or finished a booking in the chat, did not ask for a person or a call-back,
    was not in an acute situation, and did not rate more answers unhelpful than helpful."""
    served = facts.answers > 0 or facts.booking is not None
    return (
        facts.citizen_messages > 0
        and served
        and facts.handoff is None
        and not facts.callback
        and facts.acute is None
        and facts.not_helpful <= facts.helpful
    )


def summarise(record: ConversationRecord, hours: OpeningHours, now: datetime) -> ConversationFacts:
    conversation = record.conversation
    started = as_utc(conversation.created_at)
    local = started.astimezone(STOCKHOLM)
    kinds = [event.kind for event in record.events]
    feedback = [e.data.get("helpful") for e in record.events if e.kind == "article_feedback"]
    acute = next((e.data.get("kind") for e in record.events if e.kind == "acute"), None)
    district, booking = None, None
    for event in record.events:
        if event.kind in BOOKING_EVENTS:
            district, booking = event.data.get("district") or district, BOOKING_EVENTS[event.kind]
    handoff, wait = _handoff_result(record.handoffs)
    facts = ConversationFacts(
        conversation_id=conversation.id,
        started_at=started,
        day=local.date(),
        hour=local.hour,
        outside_hours=not hours.is_open(started),
        language=conversation.language,
        district=district,
        citizen_messages=len(record.citizen_messages),
        answers=kinds.count("article_answer"),
        clarifications=kinds.count("article_clarify"),
        unanswered=kinds.count("unanswered"),
        helpful=feedback.count(True),
        not_helpful=feedback.count(False),
        acute=acute,
        handoff=handoff,
        handoff_wait_seconds=wait,
        callback=record.callbacks > 0,
        booking=booking,
        source_updated_at=as_utc(conversation.updated_at),
        rolled_up_at=now,
        settled=now >= as_utc(conversation.updated_at) + SETTLE,
    )
    facts.contained = is_contained(facts)
    return facts


def _handoff_result(handoffs: list[Handoff]) -> tuple[str | None, int | None]:
    """The best that happened: a person answered > still waiting > left the queue > none free."""
    if not handoffs:
        return None, None
    answered = [h for h in handoffs if h.accepted_at is not None]
    if answered:
        first = min(answered, key=lambda h: as_utc(h.requested_at))
        wait = as_utc(first.accepted_at or first.requested_at) - as_utc(first.requested_at)
        return "answered", int(wait.total_seconds())
    statuses = {h.status for h in handoffs}
    if "waiting" in statuses:
        return "waiting", None
    if "cancelled" in statuses:
        return "left_queue", None
    return "unavailable", None


class StatsRollup:
    """Keeps the statistics tables up to date with the conversations; see the module docs."""

    def __init__(self, hours: OpeningHours) -> None:
        self.hours = hours

    def pending(self, session: Session) -> list[str]:
        """Conversations never summed up, changed since, or summed up before they settled."""
        facts = ConversationFacts
        query = (
            select(Conversation.id)
            .outerjoin(facts, facts.conversation_id == Conversation.id)
            .where(
                or_(
                    facts.conversation_id.is_(None),
                    Conversation.updated_at > facts.source_updated_at,
                    facts.settled.is_(False),
                )
            )
        )
        return list(session.scalars(query))

    def run(self, session: Session, now: datetime) -> int:
        """Sums up every pending conversation; returns how many."""
        ids = self.pending(session)
        self.conversations(session, ids, now)
        return len(ids)

    def catch_up(self, session: Session, now: datetime) -> int:
        """`run` before a page is shown: if another process is summing up the same conversations
        at this moment (a lock or a duplicate key), the page shows what is there."""
        try:
            return self.run(session, now)
        except (IntegrityError, OperationalError):
            session.rollback()
            log.warning("statistics: another process is summing up; showing what is there")
            return 0

    def update(self, database: Database, now: datetime) -> int:
        """`run` in a session of its own (the daily job, `bot report`)."""
        with database.session() as session:
            return self.run(session, now)

    def conversations(self, session: Session, ids: list[str], now: datetime) -> None:
        """One transaction: the summaries and the daily totals of the days they fall on are
        committed together, so the totals never disagree with the summaries."""
        days: set[date] = set()
        for chunk in batches(ids):
            records = _records(session, chunk)
            facts = [summarise(record, self.hours, now) for record in records]
            _upsert_facts(session, facts)
            _insert_new(session, ArticleFact, list(_article_rows(records)))
            _insert_new(session, IntentFact, list(_intent_rows(records)))
            _insert_new(session, InboxQuestion, list(_inbox_rows(records)))
            days |= {f.day for f in facts}
            session.flush()
            for record in records:  # a backfill of a year must not hold every row in memory
                for row in (record.conversation, *record.events, *record.citizen_messages,
                            *record.handoffs):  # fmt: skip
                    session.expunge(row)
        refresh_days(session, days)
        session.commit()


def _records(session: Session, ids: list[str]) -> list[ConversationRecord]:
    conversations = session.scalars(select(Conversation).where(Conversation.id.in_(ids)))
    records = {c.id: ConversationRecord(c) for c in conversations}
    for event in session.scalars(
        select(ConversationEvent)
        .where(ConversationEvent.conversation_id.in_(ids))
        .order_by(ConversationEvent.id)
    ):
        records[event.conversation_id].events.append(event)
    for message in session.scalars(
        select(Message)
        .where(Message.conversation_id.in_(ids), Message.sender == "citizen")
        .order_by(Message.id)
    ):
        records[message.conversation_id].citizen_messages.append(message)
    for handoff in session.scalars(select(Handoff).where(Handoff.conversation_id.in_(ids))):
        records[handoff.conversation_id or ""].handoffs.append(handoff)
    for callback in session.scalars(
        select(CallbackRequest.conversation_id).where(CallbackRequest.conversation_id.in_(ids))
    ):
        records[callback].callbacks += 1
    return list(records.values())


def _article_rows(records: list[ConversationRecord]) -> Iterator[dict[str, Any]]:
    for record in records:
        conversation = record.conversation
        base = {"conversation_id": conversation.id}
        topics: dict[str, str | None] = {}
        for event in record.events:
            data = event.data
            if event.kind in ("article_answer", "article_clarify"):
                # "Did you mean…?" offers several articles in one event: rows are keyed by both.
                for article_id in data.get("article_ids", []):
                    topics[article_id] = data.get("topic")
                    kind = event.kind.removeprefix("article_")
                    yield {**base, "event_id": event.id, "article_id": article_id,
                           "topic": data.get("topic"), "kind": kind}  # fmt: skip
            elif event.kind == "article_feedback" and data.get("article_id"):
                article_id = data["article_id"]
                yield {**base, "event_id": event.id, "article_id": article_id,
                       "topic": topics.get(article_id),
                       "kind": "helpful" if data.get("helpful") else "not_helpful"}  # fmt: skip


def _intent_rows(records: list[ConversationRecord]) -> Iterator[dict[str, Any]]:
    for record in records:
        for message in record.citizen_messages:
            if message.intent:
                yield {
                    "message_id": message.id, "conversation_id": message.conversation_id,
                    "intent": message.intent, "confidence": message.confidence,
                }  # fmt: skip


def _inbox_rows(records: list[ConversationRecord]) -> Iterator[dict[str, Any]]:
    for record in records:
        last_question: dict[str, str] = {}  # article id → the question it answered
        for event in record.events:
            data = event.data
            question, reason, article_id = "", "", None
            if event.kind == "unanswered":
                question, reason = data.get("text", ""), "unanswered"
            elif event.kind == "article_clarify":
                question, reason = data.get("question", ""), "clarify"
            elif event.kind == "article_answer":
                for answered in data.get("article_ids", []):
                    last_question[answered] = data.get("question", "")
            elif event.kind == "article_feedback" and data.get("helpful") is False:
                article_id = data.get("article_id")
                question, reason = last_question.get(article_id or "", ""), "not_helpful"
            if question.strip():
                yield {
                    "event_id": event.id, "conversation_id": event.conversation_id,
                    "asked_at": as_utc(event.created_at),
                    "language": data.get("language") or record.conversation.language,
                    "text": question.strip(), "reason": reason, "article_id": article_id,
                    "status": "open",
                }  # fmt: skip


def _upsert_facts(session: Session, facts: list[ConversationFacts]) -> None:
    if not facts:
        return
    columns = [c.name for c in ConversationFacts.__table__.columns]
    rows = [{name: getattr(f, name) for name in columns} for f in facts]
    statement = insert_for(session, ConversationFacts)
    statement = statement.on_conflict_do_update(
        index_elements=["conversation_id"],
        set_={name: statement.excluded[name] for name in columns if name != "conversation_id"},
    )
    session.execute(statement, rows)


def _insert_new(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert_for(session, model).on_conflict_do_nothing(), rows)
