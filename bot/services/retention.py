"""Retention: conversations are deleted a set number of days after their last activity.

Social-services secrecy and GDPR allow keeping a chat only as long as it is needed. `bot purge`
and a daily job in the app delete conversations (messages and events follow by cascade) whose
last activity is older than `RETENTION_DAYS` (messages, events, notes and call-back requests
with them), and Rasa's tracker events for them. Handoff records are kept without the link.
Each conversation is summed up for the statistics first (`bot.stats.rollup`): the summary holds
nothing the citizen wrote and stays. The editors' inbox questions go after as many days.
Bookings lose their name, phone and e-mail `BOOKING_RETENTION_DAYS` after the meeting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, MetaData, Table, delete, inspect, select, update

from bot.db.batches import batches
from bot.db.models import (
    AgentNote,
    BookingDraft,
    CallbackRequest,
    Conversation,
    ConversationEvent,
    Handoff,
    InboxQuestion,
    Message,
)
from bot.db.session import Database, build_engine
from bot.services.booking import BookingDesk
from bot.stats.rollup import StatsRollup

log = logging.getLogger(__name__)
RASA_EVENTS_TABLE = "events"  # Rasa's SQL tracker store


def purge(
    database: Database,
    rasa_tracker_url: str | None,
    days: int,
    rollup: StatsRollup,
    now: datetime | None = None,
) -> int:
    """Deletes conversations idle for more than `days`, after summing them up for the
    statistics, and the inbox questions as old; returns how many conversations."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    with database.session() as session:
        ids = list(session.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
        rollup.conversations(session, ids, now)
        session.execute(delete(InboxQuestion).where(InboxQuestion.asked_at < cutoff))
        for chunk in batches(ids):
            session.execute(
                delete(ConversationEvent).where(ConversationEvent.conversation_id.in_(chunk))
            )
            session.execute(delete(Message).where(Message.conversation_id.in_(chunk)))
            session.execute(delete(AgentNote).where(AgentNote.conversation_id.in_(chunk)))
            session.execute(
                delete(CallbackRequest).where(CallbackRequest.conversation_id.in_(chunk))
            )
            session.execute(delete(BookingDraft).where(BookingDraft.conversation_id.in_(chunk)))
            # Handoff records stay for the statistics, no longer tied to a conversation.
            session.execute(
                update(Handoff)
                .where(Handoff.conversation_id.in_(chunk))
                .values(conversation_id=None)
            )
            session.execute(delete(Conversation).where(Conversation.id.in_(chunk)))
    if ids and rasa_tracker_url:
        _purge_rasa_tracker(rasa_tracker_url, ids)
    return len(ids)


def purge_booking_data(database: Database, days: int, now: datetime | None = None) -> int:
    """Clears name, phone and e-mail of bookings whose meeting (or cancellation) is more than
    `days` ago; returns how many."""
    with database.session() as session:
        return BookingDesk(session).delete_personal_data(days, now or datetime.now(UTC))


def _purge_rasa_tracker(url: str, conversation_ids: list[str]) -> None:
    engine: Engine = build_engine(url)
    try:
        if not inspect(engine).has_table(RASA_EVENTS_TABLE):
            return
        events = Table(RASA_EVENTS_TABLE, MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            for chunk in batches(conversation_ids):
                connection.execute(delete(events).where(events.c.sender_id.in_(chunk)))
    finally:
        engine.dispose()


class DailyJobs:
    """Runs housekeeping jobs once a day in a background thread of the app process: retention,
    and publishing the coming weeks' meeting times. A failed job is retried the next day; the
    app keeps serving either way."""

    def __init__(self, jobs: dict[str, Callable[[], int]]) -> None:
        self._jobs = jobs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, job in self._jobs.items():
                try:
                    log.info("%s: %d", name, job())
                except Exception:
                    log.exception("daily job %r failed", name)
            self._stop.wait(24 * 3600)
