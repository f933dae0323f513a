"""The agent's side of a handoff: the queue as an agent sees it, taking a chat, talking, notes,
handing back, closing, call-back requests and the agent's own status.

Accepting is one conditional UPDATE (`… WHERE status = 'waiting'`): on SQLite and PostgreSQL
alike exactly one of any number of agents pressing at once changes the row, and the others get
409. Every opened transcript and every accept, hand-back and close is written to the audit log.

Usage:
    desk = AgentDesk(session, handoffs)
    desk.queue_for(agent)                          # waiting chats, acute and own language first
    desk.accept(agent, conversation_id)            # ApiError 409 if someone was faster
    desk.send(agent, conversation_id, "Hej! Jag heter Anna.")
    desk.close(agent, conversation_id, "resolved")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.errors import ApiError
from bot.db.models import AgentNote, CallbackRequest, Conversation, Handoff, Message, User, as_utc
from bot.schemas import MessageOut
from bot.services.broker import STAFF
from bot.services.handoff import HandoffService
from bot.services.messages import store_messages
from bot.services.queue import speaks
from bot.services.staff import audit

OUTCOMES = ("resolved", "meeting_booked", "referred_to_district", "citizen_left")
AGENT_STATUSES = ("online", "away")
MAX_AGENT_TEXT = 2000


@dataclass(frozen=True)
class QueueEntry:
    conversation_id: str
    language: str
    topic: str | None
    reason: str
    priority: bool
    waiting_seconds: int
    offered_to_you: bool  # acute, your language, or the language-first window has passed
    speaks_language: bool


@dataclass(frozen=True)
class HeldChat:
    conversation_id: str
    language: str
    topic: str | None
    accepted_at: datetime


class AgentDesk:
    def __init__(self, session: Session, handoffs: HandoffService) -> None:
        self.session = session
        self.handoffs = handoffs
        self.queue = handoffs.queue

    # -- the queue --------------------------------------------------------------------------

    def queue_for(self, agent: User) -> list[QueueEntry]:
        now = self.handoffs.clock()
        online = self.queue.agents_online(now)
        entries = [
            QueueEntry(
                conversation_id=handoff.conversation_id,
                language=handoff.language,
                topic=handoff.topic,
                reason=handoff.reason,
                priority=handoff.priority,
                waiting_seconds=int((now - as_utc(handoff.requested_at)).total_seconds()),
                offered_to_you=self.queue.offered_to(handoff, agent, online, now),
                speaks_language=speaks(agent, handoff.language),
            )
            for handoff in self.queue.waiting()
            if handoff.conversation_id is not None
        ]
        # Acute first; then chats offered to this agent; each by waiting time (stable sort).
        return sorted(entries, key=lambda e: (not e.priority, not e.offered_to_you))

    def held_by(self, agent: User) -> list[HeldChat]:
        handoffs = self.session.scalars(
            select(Handoff)
            .where(Handoff.status == "active", Handoff.agent_id == agent.id)
            .order_by(Handoff.accepted_at)
        )
        return [
            HeldChat(h.conversation_id, h.language, h.topic, as_utc(h.accepted_at))
            for h in handoffs
            if h.conversation_id is not None and h.accepted_at is not None
        ]

    def set_status(self, agent: User, status: str) -> None:
        if status not in AGENT_STATUSES:
            raise ApiError(422, "invalid_status", "Status måste vara online eller away.")
        agent.status = status
        agent.last_seen_at = self.handoffs.clock()
        self.session.commit()
        self.handoffs.publish_queue()  # wait estimates change with the agents online

    def seen(self, agent_id: int) -> None:
        """The agent's console is connected (called on its heartbeat)."""
        agent = self.session.get(User, agent_id)
        if agent is not None:
            agent.last_seen_at = self.handoffs.clock()
            self.session.commit()

    # -- one chat -----------------------------------------------------------------------------

    def open(self, agent: User, conversation_id: str) -> tuple[Conversation, Handoff | None]:
        """The whole transcript, for the agent deciding to take or holding the chat."""
        conversation = self._conversation(conversation_id)
        audit(self.session, agent, "opened_transcript", conversation_id)
        self.session.commit()
        return conversation, self.handoffs.current(conversation_id)

    def transcript(self, conversation: Conversation) -> list[Message]:
        return list(
            self.session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.id)
            )
        )

    def notes(self, conversation: Conversation) -> list[AgentNote]:
        return list(
            self.session.scalars(
                select(AgentNote)
                .where(AgentNote.conversation_id == conversation.id)
                .order_by(AgentNote.id)
            )
        )

    def accept(self, agent: User, conversation_id: str) -> Handoff:
        conversation = self._conversation(conversation_id)
        handoff = self.handoffs.current(conversation_id)
        if handoff is None or handoff.status != "waiting":
            raise _taken()
        won = self.session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status == "waiting")
            .values(status="active", agent_id=agent.id, accepted_at=self.handoffs.clock())
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            self.session.rollback()
            raise _taken()
        conversation.state = "agent"
        audit(self.session, agent, "accepted", conversation_id)
        self.session.commit()
        self.session.refresh(handoff)
        joined = MessageOut(
            text=self.handoffs.languages.handoff_text(
                conversation.language, "agent_joined", name=agent.display_name
            )
        )
        self.handoffs.store_and_publish(conversation, [joined])
        self.handoffs.publish_queue()
        return handoff

    def send(self, agent: User, conversation_id: str, text: str) -> Message:
        conversation, _ = self._held(agent, conversation_id)
        cleaned = _checked_text(text)
        out = MessageOut(text=cleaned, sender="agent", author=agent.display_name)
        [row] = store_messages(self.session, conversation, [out], author=agent)
        self.session.commit()
        self.handoffs.broker.publish(
            conversation.id, {"type": "message", "data": out.model_dump(mode="json")}
        )
        self.handoffs.publish_to_staff(row, agent.id)
        return row

    def typing(self, agent: User, conversation_id: str) -> None:
        conversation, _ = self._held(agent, conversation_id)
        self.handoffs.broker.publish(
            conversation.id, {"type": "typing", "data": {"name": agent.display_name}}
        )

    def add_note(self, agent: User, conversation_id: str, text: str) -> AgentNote:
        conversation = self._conversation(conversation_id)
        note = AgentNote(conversation_id=conversation.id, author=agent, text=_checked_text(text))
        self.session.add(note)
        audit(self.session, agent, "note_added", conversation_id)
        self.session.commit()
        return note

    def hand_back(self, agent: User, conversation_id: str) -> None:
        conversation, handoff = self._held(agent, conversation_id)
        audit(self.session, agent, "handed_back", conversation_id)
        note = self.handoffs.languages.handoff_text(conversation.language, "back_to_bot")
        self.handoffs.return_to_bot(conversation, handoff, "handed_back", note)

    def close(self, agent: User, conversation_id: str, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ApiError(422, "invalid_outcome", "Välj ett utfall: " + ", ".join(OUTCOMES) + ".")
        conversation, handoff = self._held(agent, conversation_id)
        audit(self.session, agent, "closed", conversation_id, outcome=outcome)
        note = self.handoffs.languages.handoff_text(
            conversation.language, "agent_closed", name=agent.display_name
        )
        self.handoffs.return_to_bot(conversation, handoff, outcome, note)

    # -- call-back requests -----------------------------------------------------------------

    def open_callbacks(self) -> list[CallbackRequest]:
        return list(
            self.session.scalars(
                select(CallbackRequest)
                .where(CallbackRequest.status == "open")
                .order_by(CallbackRequest.created_at)
            )
        )

    def callback_done(self, agent: User, callback_id: int) -> None:
        callback = self.session.get(CallbackRequest, callback_id)
        if callback is None or callback.status != "open":
            raise ApiError(404, "not_found", "Återuppringningen finns inte eller är redan klar.")
        callback.status, callback.handled_by = "done", agent.id
        callback.handled_at = self.handoffs.clock()
        audit(self.session, agent, "callback_done", callback.conversation_id)
        self.session.commit()
        self.handoffs.broker.publish(STAFF, {"type": "callbacks_changed", "data": {}})

    # -- steps ------------------------------------------------------------------------------

    def _conversation(self, conversation_id: str) -> Conversation:
        conversation = self.session.get(Conversation, conversation_id)
        if conversation is None:
            raise ApiError(404, "not_found", "Chatten finns inte (längre).")
        return conversation

    def _held(self, agent: User, conversation_id: str) -> tuple[Conversation, Handoff]:
        conversation = self._conversation(conversation_id)
        handoff = self.handoffs.current(conversation_id)
        if handoff is None or handoff.status != "active" or handoff.agent_id != agent.id:
            raise ApiError(409, "not_your_chat", "Du har inte den här chatten.")
        return conversation, handoff


def _taken() -> ApiError:
    return ApiError(409, "already_taken", "En annan handläggare har redan tagit chatten.")


def _checked_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ApiError(422, "empty_text", "Skriv något först.")
    if len(cleaned) > MAX_AGENT_TEXT:
        raise ApiError(422, "text_too_long", f"Högst {MAX_AGENT_TEXT} tecken.")
    return cleaned
