"""Conversations: start one, take a citizen's message, get the assistant's answer, keep it all.

This is the one path every channel goes through, so later steps (acute detection, redaction of
personal data, language detection, handoff to a person) are added here, in order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import ApiError
from bot.db.models import Conversation, ConversationEvent, Message, utcnow
from bot.safety.acute import AcuteDetector
from bot.safety.help import TALK_TO_PERSON_PAYLOAD, acute_help
from bot.schemas import Button, Link, MessageOut, Meta, Reply, Transcript
from bot.services.booking import BOOK_MEETING_PAYLOAD, CHANGE_BOOKING_PAYLOAD
from bot.services.booking_form import (
    CHOICE_INTENT,
    BookingForm,
    FormAnswer,
    FormReply,
    parse_choice,
)
from bot.services.domain import intent_names
from bot.services.handoff import HandoffService
from bot.services.language_choice import LanguageChoice, LanguageDecision
from bot.services.languages import LanguageRegistry
from bot.services.messages import message_out, store_messages
from bot.services.rasa_client import AssistantUnavailable, RasaClient
from bot.services.redaction import Redacted, redact, without_labels
from bot.services.text import normalise_citizen_text

WELCOME_PAYLOAD = "/welcome"
_FORM_PAYLOADS = {BOOK_MEETING_PAYLOAD: "book", CHANGE_BOOKING_PAYLOAD: "change"}
_FORM_DATA = frozenset({"phone_number", "email"})  # what the booking form asks for
_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass
class StartedConversation:
    conversation: Conversation
    token: str
    messages: list[MessageOut]


@dataclass
class _AssistantAnswer:
    messages: list[MessageOut]
    meta: Meta
    handoff_reason: str | None = None  # the dialogue asks for a person (custom.handoff)
    booking_purpose: str | None = None  # the dialogue starts the booking form (custom.booking)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_authorised(
    session: Session,
    languages: LanguageRegistry,
    conversation_id: str,
    token: str | None,
    language: str,
) -> Conversation:
    """The conversation, if `token` is its own; unknown ids and wrong tokens both fail."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise ApiError(404, "not_found", languages.error_text(language, "not_found"))
    if not token or not hmac.compare_digest(conversation.token_hash, hash_token(token)):
        raise ApiError(401, "unauthorized", languages.error_text(language, "unauthorized"))
    return conversation


class ConversationService:
    """Everything that happens to a conversation, with storage in the app's database.

    Usage:
        service = ConversationService(
            session, rasa, languages, contacts, 2000, acute, choice, handoffs, booking
        )
        started = service.start("en")
        reply = service.post(started.conversation, text="hello")
    """

    def __init__(
        self,
        session: Session,
        rasa: RasaClient,
        languages: LanguageRegistry,
        contacts: dict[str, str],
        max_chars: int,
        acute: AcuteDetector,
        language_choice: LanguageChoice,
        handoffs: HandoffService,
        booking: BookingForm,
    ) -> None:
        self.session = session
        self.rasa = rasa
        self.languages = languages
        self.contacts = contacts
        self.max_chars = max_chars
        self.acute = acute
        self.language_choice = language_choice
        self.handoffs = handoffs
        self.booking = booking

    # -- lookup -------------------------------------------------------------------------

    def authorised(self, conversation_id: str, token: str | None, language: str) -> Conversation:
        return find_authorised(self.session, self.languages, conversation_id, token, language)

    # -- start --------------------------------------------------------------------------

    def start(self, language: str) -> StartedConversation:
        token = secrets.token_urlsafe(32)
        conversation = Conversation(
            id=str(uuid.uuid4()), token_hash=hash_token(token), language=language, state="bot"
        )
        try:
            answer = self._ask_assistant(conversation, WELCOME_PAYLOAD)
        except AssistantUnavailable as error:
            raise self._unavailable(language) from error
        self.session.add(conversation)
        self.session.add(
            ConversationEvent(
                conversation_id=conversation.id, kind="started", data={"language": language}
            )
        )
        store_messages(self.session, conversation, answer.messages)
        self.session.commit()
        return StartedConversation(conversation, token, answer.messages)

    # -- a citizen's message ------------------------------------------------------------

    def post(
        self, conversation: Conversation, text: str | None = None, payload: str | None = None
    ) -> Reply:
        citizen_message = self._citizen_message(conversation, text, payload)
        typed = "" if citizen_message.payload else (citizen_message.text or "")
        redacted = redact(citizen_message.text or "")
        citizen_message.text = redacted.text if citizen_message.text else None
        draft = self.booking.draft(conversation)
        # A form answer ("Tensta", a name) says nothing about the citizen's language.
        decision = None if draft else self._choose_language(conversation, citizen_message)
        language_note = self._apply_language(conversation, decision) if decision else []
        self.session.add(citizen_message)
        conversation.updated_at = utcnow()  # retention and statistics count from the last activity
        self.session.commit()  # kept even if the assistant cannot be reached
        # Acute help comes first, every time, and does not depend on Rasa being up.
        acute = self._acute_help(conversation, citizen_message)
        notes = self._privacy_notes(conversation, redacted, in_form=draft is not None)
        first = acute + notes + language_note
        store_messages(self.session, conversation, language_note)
        self.session.commit()
        emergency = bool(acute)
        if decision is not None and decision.asked:  # only asked for a language: nothing to answer
            return self._reply(conversation, first, Meta(emergency=emergency))

        if conversation.state in ("queued", "agent"):  # a person answers, not the bot
            self.handoffs.relay_citizen_message(conversation, citizen_message)
            status = self.handoffs.status(conversation)
            return self._reply(
                conversation, first, Meta(emergency=emergency, handoff_status=status)
            )
        if citizen_message.payload == TALK_TO_PERSON_PAYLOAD:
            if draft is not None:  # a person takes over the booking
                self._finish_form(conversation, self.booking.stop(conversation, draft, quiet=True))
            # The button works even when Rasa is down: the app handles it itself.
            return self._hand_off(conversation, first, Meta(emergency=emergency), "button")
        if draft is not None:
            turn = FormAnswer(
                choice=parse_choice(citizen_message.payload or ""),
                text=without_labels(citizen_message.text or ""),
                raw=typed,
            )
            citizen_message.status = "answered"
            form = self.booking.answer(conversation, draft, turn)
            return self._form_reply(conversation, first, form, Meta(emergency=emergency))
        purpose = _FORM_PAYLOADS.get(citizen_message.payload or "")
        if purpose:  # the booking buttons work even when Rasa is down, like the person button
            citizen_message.status = "answered"
            form = self.booking.start(conversation, purpose)
            return self._form_reply(conversation, first, form, Meta(emergency=emergency))
        try:
            answer = self._ask_assistant(conversation, self._rasa_text(citizen_message))
        except AssistantUnavailable as error:
            citizen_message.status = "undelivered"
            self.session.add(
                ConversationEvent(
                    conversation_id=conversation.id, kind="assistant_unavailable", data={}
                )
            )
            self.session.commit()
            if emergency:
                return self._reply(conversation, first, Meta(emergency=True))
            raise self._unavailable(conversation.language) from error
        answer.meta.emergency = emergency

        citizen_message.status = "answered"
        citizen_message.intent = answer.meta.intent
        citizen_message.confidence = answer.meta.confidence
        store_messages(self.session, conversation, answer.messages)
        self.session.commit()
        if answer.handoff_reason:
            return self._hand_off(
                conversation, first + answer.messages, answer.meta, answer.handoff_reason
            )
        if answer.booking_purpose:
            form = self.booking.start(conversation, answer.booking_purpose)
            return self._form_reply(conversation, first + answer.messages, form, answer.meta)
        return self._reply(conversation, first + answer.messages, answer.meta)

    def _form_reply(
        self, conversation: Conversation, before: list[MessageOut], form: FormReply, meta: Meta
    ) -> Reply:
        self._finish_form(conversation, form)
        meta.booking = form.status
        return self._reply(conversation, before + form.messages, meta)

    def _finish_form(self, conversation: Conversation, form: FormReply) -> None:
        self.booking.record(conversation, form)
        store_messages(self.session, conversation, form.messages)
        self.session.commit()

    def _hand_off(
        self, conversation: Conversation, before: list[MessageOut], meta: Meta, reason: str
    ) -> Reply:
        handoff = self.handoffs.request(conversation, reason)
        meta.handoff, meta.handoff_status = True, handoff.status
        return self._reply(conversation, before + handoff.messages, meta)

    def switch_language(self, conversation: Conversation, language: str) -> Reply:
        """The citizen chose a language in the menu."""
        if language not in self.languages:
            raise ApiError(
                422,
                "unknown_language",
                self.languages.error_text(conversation.language, "invalid_body"),
            )
        note = self._apply_language(conversation, LanguageDecision(language, asked=True))
        store_messages(self.session, conversation, note)
        self.session.commit()
        return self._reply(conversation, note, Meta())

    def transcript(self, conversation: Conversation) -> Transcript:
        messages = self.session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
        return Transcript(
            conversation_id=conversation.id,
            language=conversation.language,
            state=conversation.state,
            messages=[message_out(m) for m in messages],
            handoff_status=self.handoffs.status(conversation),
        )

    # -- steps --------------------------------------------------------------------------

    def _citizen_message(
        self, conversation: Conversation, text: str | None, payload: str | None
    ) -> Message:
        language = conversation.language
        if (text is None) == (payload is None):
            raise ApiError(422, "invalid_body", self.languages.error_text(language, "invalid_body"))
        if payload is not None:
            return Message(
                conversation_id=conversation.id,
                sender="citizen",
                language=language,
                payload=self._checked_payload(payload, language),
                text=self._button_title(conversation, payload),
                buttons=[],
                links=[],
            )
        cleaned = normalise_citizen_text(text or "")
        if not cleaned:
            raise ApiError(422, "empty_text", self.languages.error_text(language, "empty_text"))
        if len(cleaned) > self.max_chars:
            raise ApiError(
                422,
                "text_too_long",
                self.languages.error_text(language, "text_too_long", limit=self.max_chars),
            )
        return Message(
            conversation_id=conversation.id,
            sender="citizen",
            language=language,
            text=cleaned,
            buttons=[],
            links=[],
        )

    def _checked_payload(self, payload: str, language: str) -> str:
        match = _PAYLOAD.match(payload)
        valid = match is not None and match["intent"] in intent_names() | {CHOICE_INTENT}
        if valid and match is not None and match["entities"]:
            try:
                valid = isinstance(json.loads(match["entities"]), dict)
            except ValueError:
                valid = False
        if not valid:
            raise ApiError(
                422, "invalid_payload", self.languages.error_text(language, "invalid_payload")
            )
        return payload

    def _button_title(self, conversation: Conversation, payload: str) -> str | None:
        """What the citizen 'said' by pressing a button: its title in the last bot message."""
        last_bot = self.session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.sender == "bot")
            .order_by(Message.id.desc())
            .limit(5)
        )
        for message in last_bot:
            for button in message.buttons:
                if button.get("payload") == payload:
                    return button.get("title")
        if payload == TALK_TO_PERSON_PAYLOAD:  # the widget's header button
            return self.languages.get(conversation.language).ui["talk_to_person"]
        return None

    def _choose_language(
        self, conversation: Conversation, message: Message
    ) -> LanguageDecision | None:
        """A typed message may ask for, or be written in, another language; buttons never are."""
        if message.payload or not message.text:
            return None
        decision = self.language_choice.decide(message.text, conversation.language)
        if decision.language == conversation.language and not decision.asked:
            return None
        message.language = decision.language
        return decision

    def _apply_language(
        self, conversation: Conversation, decision: LanguageDecision
    ) -> list[MessageOut]:
        """Switch the conversation (or record a minority-language wish) and return the note that
        says so, in the new language; the caller stores it after any acute help."""
        previous = conversation.language
        if decision.minority:
            note = self.language_choice.minority_note(decision.minority, previous, self.contacts)
            event: dict[str, object] = {"minority": decision.minority}
        else:
            conversation.language = decision.language
            note = self.language_choice.switched_note(decision.language)
            event = {"from": previous, "to": decision.language, "asked": decision.asked}
        self.session.add(ConversationEvent(
            conversation_id=conversation.id,
            kind="language_wish" if decision.minority else "language_changed", data=event,
        ))  # fmt: skip
        return [note]

    def _privacy_notes(
        self, conversation: Conversation, redacted: Redacted, in_form: bool
    ) -> list[MessageOut]:
        """A gentle note when personal data was removed; stored like any bot message. In the
        booking form phone and e-mail are expected (the booking keeps them, the chat log does
        not), and a personnummer gets the form's own note: it is not needed to book."""
        kinds = redacted.kinds - (_FORM_DATA if in_form else frozenset())
        if not kinds:
            return []
        self.session.add(ConversationEvent(
            conversation_id=conversation.id, kind="personal_data_removed",
            data={"kinds": sorted(kinds)},
        ))  # fmt: skip
        if in_form and "identity_number" in kinds:
            note = self.languages.booking_text(conversation.language, "no_personnummer")
        else:
            note = self.languages.get(conversation.language).notes["personal_data_removed"]
        notes = [MessageOut(text=note)]
        store_messages(self.session, conversation, notes)
        self.session.commit()
        return notes

    def _acute_help(self, conversation: Conversation, message: Message) -> list[MessageOut]:
        finding = self.acute.detect(message.text) if message.text else None
        if finding is None:
            return []
        self.session.add(ConversationEvent(
            conversation_id=conversation.id, kind="acute",
            data={"kind": finding.kind, "via": finding.via},
        ))  # fmt: skip
        help_message = acute_help(
            finding.kind, self.languages.get(conversation.language), self.contacts,
            contact_centre_open=self.handoffs.contact_centre_open(),
        )  # fmt: skip
        store_messages(self.session, conversation, [help_message])
        self.session.commit()
        return [help_message]

    @staticmethod
    def _rasa_text(message: Message) -> str:
        if message.payload:
            return message.payload
        # A typed text starting with "/" would be read by Rasa as an intent command.
        return (message.text or "").lstrip("/") or "?"

    def _ask_assistant(self, conversation: Conversation, text: str) -> _AssistantAnswer:
        raw = self.rasa.send(conversation.id, text, metadata={"language": conversation.language})
        answer = _rasa_answer(raw)
        understanding = self.rasa.understanding(conversation.id)
        answer.meta.intent, answer.meta.confidence = understanding.intent, understanding.confidence
        return answer

    def _reply(self, conversation: Conversation, messages: list[MessageOut], meta: Meta) -> Reply:
        return Reply(
            messages=messages,
            language=conversation.language,
            state=conversation.state,
            meta=meta,
        )

    def _unavailable(self, language: str) -> ApiError:
        return ApiError(
            503,
            "assistant_unavailable",
            self.languages.error_text(language, "assistant_unavailable", **self.contacts),
        )


def _rasa_answer(raw: list[dict[str, Any]]) -> _AssistantAnswer:
    """Rasa's REST output as API messages.

    A response's `custom` part arrives as a message of its own after the text: its `links`
    belong to the message before it, its `meta` (topic, articles, …) to the whole reply, and
    `handoff` (a reason) asks the app to hand the chat to a person, `booking` (book or change)
    to start the booking form.
    """
    messages: list[MessageOut] = []
    meta = Meta()
    answer = _AssistantAnswer(messages, meta)
    for item in raw:
        custom = item.get("custom")
        if isinstance(custom, dict):
            if custom.get("handoff"):
                answer.handoff_reason = str(custom["handoff"])
            if custom.get("booking"):
                answer.booking_purpose = str(custom["booking"])
            if custom.get("links") and messages:
                messages[-1].links.extend(Link(**link) for link in custom["links"])
            for key, value in (custom.get("meta") or {}).items():
                if key in Meta.model_fields:
                    setattr(meta, key, value)
        if item.get("text") or item.get("buttons"):
            messages.append(
                MessageOut(
                    text=item.get("text"),
                    buttons=[
                        Button(title=b["title"], payload=b["payload"])
                        for b in item.get("buttons") or []
                    ],
                )
            )
    return answer
