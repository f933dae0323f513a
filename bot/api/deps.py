"""Typed FastAPI dependencies: the app's shared parts and a per-request conversation service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.errors import ApiError
from bot.db.session import Database
from bot.safety.acute import AcuteDetector
from bot.schemas import Button, Link, MessageOut
from bot.services.answers import CatalogueSearch
from bot.services.booking import calendar_key
from bot.services.booking_form import BookingForm, BookingRules
from bot.services.broker import Broker
from bot.services.conversations import ConversationService
from bot.services.districts import DistrictDirectory
from bot.services.handoff import HandoffService
from bot.services.language_choice import LanguageChoice
from bot.services.languages import LanguageRegistry
from bot.services.opening_hours import OpeningHours
from bot.services.queue import QueueRules
from bot.services.rasa_client import RasaClient
from bot.services.rate_limit import RateLimiter
from bot.services.responses import ResponseCatalog
from bot.services.training import ModelTraining
from bot.stats.rollup import StatsRollup

# The catalogue article shown after a booking: what to bring to the meeting.
WHAT_TO_BRING_ARTICLE = "handlingar-till-ansokan"


@dataclass
class Components:
    """What the app builds once at start-up and shares between requests."""

    settings: Settings
    database: Database
    rasa: RasaClient
    languages: LanguageRegistry
    responses: ResponseCatalog
    broker: Broker
    contacts: dict[str, str]
    search: CatalogueSearch
    acute: AcuteDetector
    language_choice: LanguageChoice
    hours: OpeningHours
    rollup: StatsRollup
    training: ModelTraining
    districts: DistrictDirectory
    calendar_secret: str  # Settings.calendar_key(), read once
    clock: Callable[[], datetime]  # aware, UTC; tests freeze it
    client_limiter: RateLimiter
    conversation_limiter: RateLimiter


def get_components(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


ComponentsDep = Annotated[Components, Depends(get_components)]


def get_session(components: ComponentsDep) -> Iterator[Session]:
    with components.database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def queue_rules(settings: Settings) -> QueueRules:
    return QueueRules(
        max_waiting=settings.max_queue,
        minutes_per_chat=settings.minutes_per_chat,
        language_first=timedelta(seconds=settings.language_first_seconds),
        agent_seen=timedelta(seconds=settings.agent_seen_seconds),
    )


def get_handoff_service(components: ComponentsDep, session: SessionDep) -> HandoffService:
    return HandoffService(
        session=session,
        languages=components.languages,
        contacts=components.contacts,
        hours=components.hours,
        clock=components.clock,
        broker=components.broker,
        rasa=components.rasa,
        rules=queue_rules(components.settings),
    )


HandoffServiceDep = Annotated[HandoffService, Depends(get_handoff_service)]


def calendar_url(components: Components, reference: str) -> str:
    """The citizen's .ics link: works without a login, so it carries a key."""
    key = calendar_key(components.calendar_secret, f"booking:{reference}")
    return f"{components.settings.public_url}/api/bookings/{reference}/calendar.ics?key={key}"


def article_messages(components: Components, article_id: str, language: str) -> list[MessageOut]:
    """A catalogue article as the chat shows it (summary, source, date, link), or nothing if
    it is not valid today."""
    view = components.search.article(article_id, language, components.clock().date())
    if view is None:
        return []
    values = {f"article_{key}": value for key, value in view.model_dump().items()}
    rendered = components.responses.render("utter_article_answer", language, values)
    links = [Link(**link) for link in (rendered["custom"] or {}).get("links", [])]
    buttons = [Button(**button) for button in rendered["buttons"]]
    return [MessageOut(text=rendered["text"], buttons=buttons, links=links)]


def get_booking_form(components: ComponentsDep, session: SessionDep) -> BookingForm:
    settings = components.settings
    return BookingForm(
        session=session,
        languages=components.languages,
        districts=components.districts,
        contacts=components.contacts,
        clock=components.clock,
        rules=BookingRules(
            weeks_ahead=settings.booking_weeks_ahead, notice_hours=settings.booking_notice_hours
        ),
        calendar_url=lambda reference: calendar_url(components, reference),
        bring=lambda language: article_messages(components, WHAT_TO_BRING_ARTICLE, language),
    )


BookingFormDep = Annotated[BookingForm, Depends(get_booking_form)]


def get_conversation_service(
    components: ComponentsDep,
    session: SessionDep,
    handoffs: HandoffServiceDep,
    booking: BookingFormDep,
) -> ConversationService:
    return ConversationService(
        session=session,
        rasa=components.rasa,
        languages=components.languages,
        contacts=components.contacts,
        max_chars=components.settings.max_message_chars,
        acute=components.acute,
        language_choice=components.language_choice,
        handoffs=handoffs,
        booking=booking,
    )


ConversationServiceDep = Annotated[ConversationService, Depends(get_conversation_service)]


def request_language(
    components: ComponentsDep, accept_language: Annotated[str | None, Header()] = None
) -> str:
    """The language for messages before a conversation is known (its errors, its start)."""
    return components.languages.negotiate(accept_language)


RequestLanguageDep = Annotated[str, Depends(request_language)]


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


BearerTokenDep = Annotated[str | None, Depends(bearer_token)]


def limit_client(request: Request, components: ComponentsDep, language: RequestLanguageDep) -> None:
    """Per client address, for every citizen API call that does work."""
    client = request.client.host if request.client else "unknown"
    _enforce(components.client_limiter, f"client:{client}", components, language)


def limit_conversation(components: Components, conversation_id: str, language: str) -> None:
    """Per conversation, for messages: one chat cannot flood the assistant. Called after the
    token is checked, so nobody can use up another citizen's allowance."""
    _enforce(
        components.conversation_limiter, f"conversation:{conversation_id}", components, language
    )


def _enforce(limiter: RateLimiter, key: str, components: Components, language: str) -> None:
    wait = limiter.hit(key)
    if wait:
        raise ApiError(
            429, "rate_limited", components.languages.error_text(language, "rate_limited"),
            headers={"Retry-After": str(wait)},
        )  # fmt: skip
