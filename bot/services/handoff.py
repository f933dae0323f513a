"""Handing a chat to a person: the citizen's side of it.

A handoff starts when the dialogue says so (a response with `custom.handoff`), when the citizen
presses "Talk to a person", or after two answers that did not help. If the contact centre is
open, an agent is online and the queue has room, the chat waits in the queue (`queued`) and Rasa
is paused; otherwise the citizen hears plainly why not, when a person is next available, that
they can leave a call-back request, and the acute numbers. While a person is involved the bot
stays silent: citizen messages go to the agents instead. Stopping, handing back and closing all
end in `return_to_bot`, which resumes Rasa and tells the citizen.

Usage:
    handoffs = HandoffService(session, languages, contacts, hours, clock, broker, rasa, rules)
    reply = handoffs.request(conversation, "asked")   # reply.messages, reply.status
    handoffs.cancel(conversation)                     # the citizen stops waiting
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import ApiError
from bot.db.models import CallbackRequest, Conversation, ConversationEvent, Handoff, Message
from bot.safety.help import call_link
from bot.schemas import Button, CallbackIn, HandoffStatus, MessageOut
from bot.services.booking import BOOK_MEETING_PAYLOAD
from bot.services.broker import STAFF, Broker
from bot.services.languages import LanguageRegistry, full_date
from bot.services.messages import store_messages
from bot.services.opening_hours import OpeningHours
from bot.services.queue import Queue, QueueRules, wait_minutes
from bot.services.rasa_client import AssistantUnavailable, RasaClient

log = logging.getLogger(__name__)
REASONS = ("asked", "button", "own_case", "complaint", "failed_answers")
OPEN_STATUSES = ("waiting", "active")
CALLBACK_TIMES = ("morning", "afternoon", "any")
# A handoff this soon after an acute message goes to the front of the queue.
ACUTE_PRIORITY_WINDOW = timedelta(hours=2)
_PHONE_SEPARATORS = re.compile(r"[\s\-().\u00a0/]")


@dataclass
class HandoffReply:
    messages: list[MessageOut]
    status: HandoffStatus


def normalise_phone(raw: str) -> str | None:
    """A Swedish number as +46…, or an international one as given; None if it is not one."""
    digits = _PHONE_SEPARATORS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        number = digits[1:]
        if number.isdigit() and 8 <= len(number) <= 15 and not number.startswith("0"):
            return "+" + number
        return None
    if digits.isdigit() and digits.startswith("0") and 8 <= len(digits) <= 11:
        return "+46" + digits[1:]
    return None


class HandoffService:
    def __init__(
        self,
        session: Session,
        languages: LanguageRegistry,
        contacts: dict[str, str],
        hours: OpeningHours,
        clock: Callable[[], datetime],
        broker: Broker,
        rasa: RasaClient,
        rules: QueueRules,
    ) -> None:
        self.session = session
        self.languages = languages
        self.contacts = contacts
        self.hours = hours
        self.clock = clock
        self.broker = broker
        self.rasa = rasa
        self.queue = Queue(session, rules)

    # -- the citizen asks -----------------------------------------------------------------

    def request(self, conversation: Conversation, reason: str) -> HandoffReply:
        """Queue the chat for a person, or explain why not and what to do instead."""
        current = self.current(conversation.id)
        if current is not None:  # already waiting or with a person: say where they stand
            return HandoffReply([], self._open_status(current))
        now = self.clock()
        handoff = Handoff(
            conversation_id=conversation.id,
            reason=reason if reason in REASONS else "asked",
            priority=self._had_acute_message(conversation, now),
            language=conversation.language,
            topic=self._last_topic(conversation),
            requested_at=now,
        )
        unavailable = self._unavailable_because(now)
        handoff.status = "unavailable" if unavailable else "waiting"
        handoff.unavailable_because = unavailable
        self.session.add(handoff)
        if unavailable:
            messages = self._unavailable_messages(conversation.language, unavailable, now)
            status = HandoffStatus(
                status=unavailable,
                next_available=self.hours.next_opening(now) if unavailable == "closed" else None,
                callback=True,
                booking=True,
            )
            store_messages(self.session, conversation, messages)
            self.session.commit()
            return HandoffReply(messages, status)

        conversation.state = "queued"
        self.session.flush()
        status = self._open_status(handoff)
        messages = [
            MessageOut(
                text=self.languages.handoff_text(
                    conversation.language,
                    "queued",
                    position=status.position,
                    minutes=status.wait_minutes,
                )
            ),
            self._urgent_message(conversation.language),
        ]
        store_messages(self.session, conversation, messages)
        self.session.commit()
        self._pause_assistant(conversation.id)
        self.publish_queue(new=handoff)
        return HandoffReply(messages, status)

    def cancel(self, conversation: Conversation) -> list[MessageOut]:
        """The citizen stops waiting, or leaves the chat with the person."""
        handoff = self.current(conversation.id)
        if handoff is None:
            raise ApiError(
                409, "not_waiting", self.languages.error_text(conversation.language, "not_waiting")
            )
        if handoff.status == "waiting":
            handoff.status = "cancelled"
            handoff.ended_at = self.clock()
            note = self.languages.handoff_text(conversation.language, "stopped_waiting")
        else:
            note = self.languages.handoff_text(conversation.language, "back_to_bot")
        return [self.return_to_bot(conversation, handoff, "citizen_left", note)]

    def leave_callback(self, conversation: Conversation, request: CallbackIn) -> MessageOut:
        language = conversation.language
        phone = normalise_phone(request.phone)
        if phone is None:
            raise ApiError(
                422, "phone_invalid", self.languages.error_text(language, "phone_invalid")
            )
        if request.preferred_time not in CALLBACK_TIMES:
            raise ApiError(
                422,
                "callback_time_invalid",
                self.languages.error_text(language, "callback_time_invalid"),
            )
        call_language = request.language or language
        if call_language not in self.languages:
            raise ApiError(
                422, "unknown_language", self.languages.error_text(language, "invalid_body")
            )
        self.session.add(
            CallbackRequest(
                conversation_id=conversation.id,
                phone=phone,
                preferred_time=request.preferred_time,
                language=call_language,
                status="open",
            )
        )
        ui = self.languages.get(language).ui
        when = (
            ui[f"callback_{request.preferred_time}"].lower()
            if request.preferred_time != "any"
            else self.languages.handoff_text(language, "callback_when_open")
        )
        text = self.languages.handoff_text(
            language,
            "callback_saved",
            phone=request.phone.strip(),
            when=when,
            language=self.languages.get(call_language).name,
        )
        confirmation = MessageOut(text=text)
        store_messages(self.session, conversation, [confirmation])
        self.session.commit()
        self.broker.publish(STAFF, {"type": "callbacks_changed", "data": {}})
        return confirmation

    # -- while a person is involved -------------------------------------------------------

    def relay_citizen_message(self, conversation: Conversation, message: Message) -> None:
        """The bot is silent; the agents (and the one holding the chat) see the message."""
        handoff = self.current(conversation.id)
        self.publish_to_staff(message, handoff.agent_id if handoff else None)

    def publish_to_staff(self, message: Message, agent_id: int | None) -> None:
        """A message in a chat, to the console of the agent holding it (to all while it waits)."""
        self.broker.publish(
            STAFF,
            {
                "type": "message",
                "data": {
                    "conversation_id": message.conversation_id,
                    "agent_id": agent_id,
                    "message": _message_event(message),
                },
            },
        )

    def citizen_typing(self, conversation: Conversation) -> None:
        handoff = self.current(conversation.id)
        if handoff is not None and handoff.agent_id is not None:
            self.broker.publish(
                STAFF,
                {
                    "type": "typing",
                    "data": {"conversation_id": conversation.id, "agent_id": handoff.agent_id},
                },
            )

    # -- reading ----------------------------------------------------------------------------

    def contact_centre_open(self) -> bool:
        return self.hours.is_open(self.clock())

    def current(self, conversation_id: str) -> Handoff | None:
        """The conversation's handoff that is waiting or held by a person, if any."""
        return self.session.scalar(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
            .order_by(Handoff.id.desc())
            .limit(1)
        )

    def status(
        self, conversation: Conversation, handoff: Handoff | None = None
    ) -> HandoffStatus | None:
        handoff = handoff or self.current(conversation.id)
        return self._open_status(handoff) if handoff is not None else None

    def _open_status(self, handoff: Handoff) -> HandoffStatus:
        if handoff.status == "active":
            name = handoff.agent.display_name if handoff.agent else None
            return HandoffStatus(status="agent", agent=name)
        per_position = self.queue.minutes_per_position(self.clock())
        return _queued(self.queue.position(handoff), per_position)

    # -- shared with the agent's side ---------------------------------------------------------

    def return_to_bot(
        self, conversation: Conversation, handoff: Handoff, outcome: str, note: str
    ) -> MessageOut:
        """End the person's part: record the outcome, resume Rasa, tell the citizen."""
        if handoff.status == "active":
            handoff.status = "ended"
            handoff.ended_at = self.clock()
            handoff.outcome = outcome
        conversation.state = "bot"
        message = MessageOut(text=note)
        store_messages(self.session, conversation, [message])
        self.session.commit()
        self._resume_assistant(conversation.id)
        self.publish_to_citizen(conversation, [message])
        self.publish_queue()
        return message

    def publish_to_citizen(self, conversation: Conversation, messages: list[MessageOut]) -> None:
        for message in messages:
            self.broker.publish(
                conversation.id, {"type": "message", "data": message.model_dump(mode="json")}
            )
        status = self.status(conversation)
        self.broker.publish(
            conversation.id,
            {
                "type": "handoff",
                "data": {
                    "state": conversation.state,
                    "handoff_status": status.model_dump(mode="json") if status else None,
                },
            },
        )

    def publish_queue(self, new: Handoff | None = None) -> None:
        """Tell the consoles the queue changed and every waiting citizen their new place."""
        data = {}
        if new is not None:
            data["new"] = {
                "conversation_id": new.conversation_id,
                "language": new.language,
                "priority": new.priority,
            }
        self.broker.publish(STAFF, {"type": "queue_changed", "data": data})
        per_position = self.queue.minutes_per_position(self.clock())
        for position, handoff in enumerate(self.queue.waiting(), start=1):
            if handoff.conversation_id is None:
                continue
            status = _queued(position, per_position)
            self.broker.publish(
                handoff.conversation_id,
                {
                    "type": "handoff",
                    "data": {"state": "queued", "handoff_status": status.model_dump(mode="json")},
                },
            )

    def store_and_publish(self, conversation: Conversation, messages: list[MessageOut]) -> None:
        store_messages(self.session, conversation, messages)
        self.session.commit()
        self.publish_to_citizen(conversation, messages)

    # -- steps ----------------------------------------------------------------------------

    def _unavailable_because(self, now: datetime) -> str | None:
        if not self.hours.is_open(now):
            return "closed"
        if not self.queue.agents_online(now):
            return "no_agents"
        if self.queue.length() >= self.queue.rules.max_waiting:
            return "queue_full"
        return None

    def _unavailable_messages(self, language: str, because: str, now: datetime) -> list[MessageOut]:
        if because == "closed":
            opens = self.hours.next_opening(now)
            text = self.languages.handoff_text(
                language, "closed", next_opening=self.describe_moment(opens, now, language)
            )
        else:
            text = self.languages.handoff_text(language, because, **self.contacts)
        offer = self.languages.handoff_text(language, "callback_offer")
        book = MessageOut(
            text=self.languages.booking_text(language, "book_offer"),
            buttons=[
                Button(
                    title=self.languages.booking_text(language, "book_button"),
                    payload=BOOK_MEETING_PAYLOAD,
                )
            ],
        )
        return [MessageOut(text=f"{text} {offer}"), book, self._urgent_message(language)]

    def _urgent_message(self, language: str) -> MessageOut:
        """The acute numbers, shown with every handoff reply whatever the queue says."""
        lang = self.languages.get(language)
        return MessageOut(
            text=self.languages.handoff_text(language, "urgent", **self.contacts),
            links=[
                call_link(key, lang, self.contacts)
                for key in ("emergency_phone", "socialjouren_phone")
            ],
        )

    def describe_moment(self, moment: datetime, now: datetime, language: str) -> str:
        """ "today at 08:00", "tomorrow at 08:00", "Monday 30 November at 08:00" — in the
        contact centre's time zone and the citizen's language."""
        local_now = now.astimezone(moment.tzinfo)
        days = (moment.date() - local_now.date()).days
        if days == 0:
            day = self.languages.handoff_text(language, "today")
        elif days == 1:
            day = self.languages.handoff_text(language, "tomorrow")
        else:
            day = full_date(moment, language)
        return self.languages.handoff_text(
            language, "next_opening", day=day, time=moment.strftime("%H:%M")
        )

    def _had_acute_message(self, conversation: Conversation, now: datetime) -> bool:
        since = now - ACUTE_PRIORITY_WINDOW
        return (
            self.session.scalar(
                select(ConversationEvent.id)
                .where(
                    ConversationEvent.conversation_id == conversation.id,
                    ConversationEvent.kind == "acute",
                    ConversationEvent.created_at >= since,
                )
                .limit(1)
            )
            is not None
        )

    def _last_topic(self, conversation: Conversation) -> str | None:
        data = self.session.scalar(
            select(ConversationEvent.data)
            .where(
                ConversationEvent.conversation_id == conversation.id,
                ConversationEvent.kind.in_(["article_answer", "article_clarify"]),
            )
            .order_by(ConversationEvent.id.desc())
            .limit(1)
        )
        topic = (data or {}).get("topic")
        return str(topic) if topic else None

    def _pause_assistant(self, conversation_id: str) -> None:
        try:
            self.rasa.pause(conversation_id)
        except AssistantUnavailable:  # the app does not forward messages anyway
            log.warning("could not pause Rasa for %s", conversation_id)

    def _resume_assistant(self, conversation_id: str) -> None:
        try:
            self.rasa.resume(conversation_id)
        except AssistantUnavailable:
            log.warning("could not resume Rasa for %s", conversation_id)


def _queued(position: int, minutes_per_position: float) -> HandoffStatus:
    return HandoffStatus(
        status="queued",
        position=position,
        wait_minutes=wait_minutes(position, minutes_per_position),
        callback=True,
    )


def _message_event(message: Message) -> dict[str, object]:
    return {
        "id": message.id,
        "sender": message.sender,
        "text": message.text,
        "author": message.author.display_name if message.author else None,
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }
