"""Conversations past the retention period are deleted with their messages, events and
Rasa's tracker events; newer ones stay. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.core.config import Settings
from bot.db.models import Conversation, ConversationEvent, Message
from bot.db.session import Database, build_engine
from bot.services.opening_hours import OpeningHours
from bot.services.retention import purge
from bot.stats.rollup import StatsRollup

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ROLLUP = StatsRollup(OpeningHours.load())


def _conversation(database: Database, conversation_id: str, last_activity: datetime) -> None:
    with database.session() as session:
        session.add(
            Conversation(
                id=conversation_id,
                token_hash="x" * 64,
                language="sv",
                state="bot",
                created_at=last_activity,
                updated_at=last_activity,
            )
        )
        session.flush()
        session.add(
            Message(
                conversation_id=conversation_id,
                sender="citizen",
                text="hej",
                language="sv",
                buttons=[],
                links=[],
            )
        )
        session.add(ConversationEvent(conversation_id=conversation_id, kind="started", data={}))


def test_purge_deletes_only_conversations_past_retention(database_url: str) -> None:
    database = Database(database_url)
    tracker_url = Settings(database_url=database_url).rasa_tracker_url
    tracker = build_engine(tracker_url)
    with tracker.begin() as connection:  # the columns of Rasa's table that matter here
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
        connection.execute(
            sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))")
        )
        connection.execute(
            sa.text("INSERT INTO events (id, sender_id) VALUES (1, 'old'), (2, 'new')")
        )
    _conversation(database, "old", NOW - timedelta(days=31))
    _conversation(database, "new", NOW - timedelta(days=29))

    assert purge(database, tracker_url, 30, ROLLUP, now=NOW) == 1

    with database.session() as session:
        assert [c.id for c in session.scalars(sa.select(Conversation))] == ["new"]
        assert {m.conversation_id for m in session.scalars(sa.select(Message))} == {"new"}
        assert {e.conversation_id for e in session.scalars(sa.select(ConversationEvent))} == {"new"}
    with tracker.connect() as connection:
        assert connection.execute(sa.text("SELECT sender_id FROM events")).scalars().all() == [
            "new"
        ]
        connection.execute(sa.text("DROP TABLE events"))
        connection.commit()
    tracker.dispose()
    database.dispose()


def test_purge_without_a_rasa_table_still_purges_the_app(database_url: str) -> None:
    database = Database(database_url)
    _conversation(database, "old", NOW - timedelta(days=90))
    assert purge(database, "sqlite://", 30, ROLLUP, now=NOW) == 1
    database.dispose()
