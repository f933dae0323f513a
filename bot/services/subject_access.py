"""Everything stored about one conversation, for a data-subject access request (GDPR art. 15).

A citizen who asks what the city holds about their chat names it by its reference (the
conversation id an agent sees in the console) or by the reference of a meeting they booked.
The export is one JSON document: the conversation, its messages, events, handoffs, internal
notes, call-back requests, bookings, inbox questions and who opened it (the audit log, which
names the recipients). Secrets that are not the citizen's data are left out: the hash of the
chat token and the search vectors. Social-services secrecy may still require a handläggare to
review the notes before the document is handed over; the export says so.

Usage:
    document = SubjectAccess(session).export("3f0c…")      # or .export(booking_reference="K7Q…")
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from bot.db.models import (
    AgentNote,
    AuditEntry,
    Base,
    Booking,
    CallbackRequest,
    Conversation,
    ConversationEvent,
    Handoff,
    InboxQuestion,
    Message,
    as_utc,
)

NOT_THE_CITIZENS = {"token_hash", "vector", "password_hash"}
REVIEW_NOTE = (
    "Utdrag enligt artikel 15 GDPR. Interna anteckningar kan omfattas av socialtjänstsekretess "
    "(OSL 26 kap.) och ska granskas av en handläggare innan utdraget lämnas ut."
)


class SubjectAccessError(LookupError):
    """The conversation or booking named is not (or no longer) stored."""


class SubjectAccess:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, conversation_id: str = "", booking_reference: str = "") -> Conversation:
        """The conversation named by its id or by a booking made in it."""
        conversation_id, booking_reference = conversation_id.strip(), booking_reference.strip()
        if booking_reference:
            booking = self.session.scalar(
                select(Booking).where(Booking.reference == booking_reference.upper())
            )
            if booking is None:
                raise SubjectAccessError(f"Ingen bokning har referensen {booking_reference!r}.")
            if booking.conversation_id is None:
                raise SubjectAccessError(
                    "Bokningen finns, men chatten den gjordes i är raderad (gallrad)."
                )
            conversation_id = booking.conversation_id
        conversation = self.session.get(Conversation, conversation_id)
        if conversation is None:
            raise SubjectAccessError(
                f"Ingen chatt med referensen {conversation_id!r} finns (kanske redan gallrad)."
            )
        return conversation

    def export(
        self, conversation_id: str = "", booking_reference: str = "", now: datetime | None = None
    ) -> dict[str, Any]:
        conversation = self.find(conversation_id, booking_reference)

        def rows(model: type[Base]) -> list[dict[str, Any]]:
            """The model's rows for this conversation, oldest first (by primary key)."""
            found = self.session.scalars(
                select(model)
                .where(model.__table__.c.conversation_id == conversation.id)
                .order_by(*inspect(model).primary_key)
            )
            return [_plain(row) for row in found]

        return {
            "exported_at": (now or datetime.now(UTC)).isoformat(),
            "note": REVIEW_NOTE,
            "conversation": _plain(conversation),
            "messages": rows(Message),
            "events": rows(ConversationEvent),
            "handoffs": rows(Handoff),
            "agent_notes": rows(AgentNote),
            "callback_requests": rows(CallbackRequest),
            "bookings": rows(Booking),
            "inbox_questions": rows(InboxQuestion),
            "access_log": rows(AuditEntry),
        }


def _plain(row: Base) -> dict[str, Any]:
    """A row's columns as JSON values, without the secrets that are not the citizen's data."""
    plain: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in NOT_THE_CITIZENS:
            continue
        value = getattr(row, column.key)
        plain[column.key] = as_utc(value).isoformat() if isinstance(value, datetime) else value
    return plain
