"""Tables of the application database (SQLite by default, PostgreSQL in production).

Rasa keeps its own tracker store (table `events`); these tables are the city's record of a
conversation: what the citizen wrote, what was answered, and what happened around it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Every stored time is UTC, but SQLite gives it back without a time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Conversation(Base):
    """One chat between a citizen and the assistant (and later a person)."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="bot")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan"
    )


class Message(Base):
    """A message in either direction, with what the assistant understood of it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(16))  # citizen | bot | agent | system
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)
    # For citizen messages: "answered", or "undelivered" when the assistant could not be
    # reached. The message is kept either way so nothing the citizen wrote is lost.
    status: Mapped[str | None] = mapped_column(String(16))
    # For agent messages: who wrote it (their display name is shown to the citizen).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_messages_author_id_users")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class ConversationEvent(Base):
    """Something that happened in a conversation besides a message (for audit and statistics)."""

    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class User(Base):
    """A member of staff: contact-centre agent, content editor or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))  # shown to citizens, e.g. "Anna"
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id
    role: Mapped[str] = mapped_column(String(16))  # agent | editor | admin
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes the agent speaks
    status: Mapped[str] = mapped_column(String(16), default="offline")  # online | away | offline
    last_seen_at: Mapped[datetime | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A logged-in browser; the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()


class Handoff(Base):
    """One request for a person, from the moment it is made until it ends.

    Kept (without the conversation, which retention deletes) for the statistics the city
    reports: waiting times, time to accept, outcomes.
    """

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_status_priority", "status", "priority", "requested_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    # waiting -> active -> ended; waiting -> cancelled; or unavailable (closed, no agent, full)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(20))  # asked | button | own_case | complaint | …
    priority: Mapped[bool] = mapped_column(Boolean, default=False)  # acute: front of the queue
    language: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(40))
    unavailable_because: Mapped[str | None] = mapped_column(String(16))  # closed | no_agents | …
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # resolved | meeting_booked | referred_to_district | citizen_left | handed_back
    outcome: Mapped[str | None] = mapped_column(String(24))

    agent: Mapped[User | None] = relationship()


class CallbackRequest(Base):
    """A citizen asked to be phoned when the contact centre is open; deleted with retention."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(String(32))
    preferred_time: Mapped[str] = mapped_column(String(16))  # morning | afternoon | any
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column()


class AgentNote(Base):
    """An internal note on a conversation; never part of what the citizen sees."""

    __tablename__ = "agent_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class CannedResponse(Base):
    """A ready-made agent reply in one language; editors manage them."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    language: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """Who did what to which conversation, when (transcripts opened, chats accepted, logins).

    No foreign keys: the log outlives the conversations and accounts it mentions."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    conversation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SlotTemplate(Base):
    """A district's weekly pattern of meeting times, e.g. Tuesdays 09:00–12:00 in 45-minute
    meetings; `bot slots publish` turns it into bookable slots."""

    __tablename__ = "slot_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district: Mapped[str] = mapped_column(String(40), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 Monday … 6 Sunday
    start: Mapped[str] = mapped_column(String(5))  # "09:00", Stockholm time
    end: Mapped[str] = mapped_column(String(5))
    minutes: Mapped[int] = mapped_column(Integer)  # length of one meeting
    valid_from: Mapped[date] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClosedDay(Base):
    """A day without meetings in one district, or in all of them (`district` empty)."""

    __tablename__ = "closed_days"
    __table_args__ = (UniqueConstraint("district", "day", name="uq_closed_days_district_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district: Mapped[str | None] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class BookingSlot(Base):
    """One meeting time at one district office; capacity 1 (see Booking.slot_id)."""

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("district", "starts_at", name="uq_booking_slots_district_starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column()
    minutes: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("slot_templates.id", ondelete="SET NULL")
    )  # None: a single extra time added by staff


class Booking(Base):
    """A citizen's meeting with a handläggare. The unique `slot_id` is what makes a slot
    bookable once: a second insert for the same slot fails in the database, whatever the race.
    A cancelled booking lets go of its slot (slot_id NULL) and keeps the time for the records.
    Personal data (name, phone, e-mail) goes with `bot purge` some days after the meeting."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("slot_id", name="uq_bookings_slot_id"),
        Index("ix_bookings_district_starts_at", "district", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("booking_slots.id"))
    district: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column()
    minutes: Mapped[int] = mapped_column(Integer)
    meeting_type: Mapped[str] = mapped_column(String(16))  # apply | information
    # a language code of the service, or the language as the citizen wrote it
    interpreter_language: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(16))  # the conversation's, for reminders
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked | cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    personal_data_deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class BookingDraft(Base):
    """Where a conversation is in the booking (or change-booking) dialogue, and the answers so
    far; deleted when the dialogue ends, and with the conversation."""

    __tablename__ = "booking_drafts"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(16))  # book | change
    step: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # wrong answers at this step
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConversationFacts(Base):
    """One conversation summed up for the statistics, without anything a citizen wrote.

    Written by `bot.stats.rollup` from the conversation's events while it exists; kept after
    the conversation is deleted, so a year of statistics outlives the 30-day transcripts.
    `day` and `hour` are Stockholm time. See docs/statistics.md for every column's meaning.
    """

    __tablename__ = "stats_conversations"

    conversation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime] = mapped_column()
    day: Mapped[date] = mapped_column(index=True)
    hour: Mapped[int] = mapped_column(Integer)
    outside_hours: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(40))
    citizen_messages: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)  # catalogue answers given
    clarifications: Mapped[int] = mapped_column(Integer)  # "Did you mean…?"
    unanswered: Mapped[int] = mapped_column(Integer)
    helpful: Mapped[int] = mapped_column(Integer)
    not_helpful: Mapped[int] = mapped_column(Integer)
    acute: Mapped[str | None] = mapped_column(String(20))  # the first acute kind
    handoff: Mapped[str | None] = mapped_column(String(16))  # see HANDOFF_RESULTS in rollup
    handoff_wait_seconds: Mapped[int | None] = mapped_column(Integer)
    callback: Mapped[bool] = mapped_column(Boolean)
    booking: Mapped[str | None] = mapped_column(String(16))  # booked | moved | cancelled
    contained: Mapped[bool] = mapped_column(Boolean)
    source_updated_at: Mapped[datetime] = mapped_column()  # the conversation's, when summed up
    rolled_up_at: Mapped[datetime] = mapped_column()
    settled: Mapped[bool] = mapped_column(Boolean)  # summed up SETTLE after the last activity


class ArticleFact(Base):
    """An article served, offered or rated in a conversation; one row per source event."""

    __tablename__ = "stats_articles"

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    article_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(36), index=True)
    topic: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # answer | clarify | helpful | not_helpful


class IntentFact(Base):
    """The intent Rasa recognised in one citizen message, and how sure it was."""

    __tablename__ = "stats_intents"

    message_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    conversation_id: Mapped[str] = mapped_column(String(36), index=True)
    intent: Mapped[str] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)


class DailyTotal(Base):
    """What the dashboard sums: per Stockholm day, language and district (empty when unknown),
    one number per metric and key (an article, an intent, an hour …). Recomputed from the
    summary tables for the days a rollup touched (`bot.stats.daily`), so a year of statistics
    is a few thousand rows per metric, not a scan of every conversation."""

    __tablename__ = "stats_daily"

    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    district: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class InboxQuestion(Base):
    """A question the assistant did not answer well, for the editors' inbox: unanswered, only
    "Did you mean…?", or answered but rated not helpful. The text is the redacted one; rows go
    after `RETENTION_DAYS` like the transcripts. `vector` is the e5 embedding, made lazily."""

    __tablename__ = "inbox_questions"
    __table_args__ = (Index("ix_inbox_questions_status_asked_at", "status", "asked_at"),)

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    conversation_id: Mapped[str] = mapped_column(String(36))
    asked_at: Mapped[datetime] = mapped_column()
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16))  # unanswered | clarify | not_helpful
    article_id: Mapped[str | None] = mapped_column(String(80))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    resolution: Mapped[str | None] = mapped_column(String(24))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column()


class TrainingJob(Base):
    """A Rasa retraining started from the inbox; its progress is read by every app process."""

    __tablename__ = "training_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    message: Mapped[str] = mapped_column(String(300), default="")
    model: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
