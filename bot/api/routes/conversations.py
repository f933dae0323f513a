"""The citizen conversation API: start, send a message, read the transcript, follow events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from bot.api.deps import (
    BearerTokenDep,
    ComponentsDep,
    ConversationServiceDep,
    RequestLanguageDep,
    limit_client,
    limit_conversation,
)
from bot.schemas import (
    CitizenMessage,
    ConversationStarted,
    ErrorBody,
    LanguageChoiceIn,
    Reply,
    StartConversation,
    Transcript,
)
from bot.services.conversations import find_authorised

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or wrong conversation token."},
    404: {"model": ErrorBody, "description": "No such conversation."},
    422: {"model": ErrorBody, "description": "Empty, too long or unreadable message."},
    429: {"model": ErrorBody, "description": "Too many requests; see Retry-After."},
    503: {"model": ErrorBody, "description": "The assistant is unavailable; message kept."},
}
KEEPALIVE_SECONDS = 15.0


@router.post(
    "",
    status_code=201,
    response_model=ConversationStarted,
    responses=ERRORS,
    dependencies=[Depends(limit_client)],
)
def start_conversation(
    service: ConversationServiceDep,
    components: ComponentsDep,
    language: RequestLanguageDep,
    body: StartConversation | None = None,
) -> ConversationStarted:
    """Start a conversation; the reply holds the welcome messages and the conversation's token."""
    chosen = components.languages.negotiate(body.language if body else None, language)
    started = service.start(chosen)
    return ConversationStarted(
        conversation_id=started.conversation.id,
        token=started.token,
        language=started.conversation.language,
        messages=started.messages,
    )


@router.post(
    "/{conversation_id}/messages",
    response_model=Reply,
    responses=ERRORS,
    dependencies=[Depends(limit_client)],
)
def post_message(
    conversation_id: str,
    body: CitizenMessage,
    service: ConversationServiceDep,
    components: ComponentsDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> Reply:
    """Send typed text or a button payload; the assistant's answer is in the response."""
    conversation = service.authorised(conversation_id, token, language)
    limit_conversation(components, conversation_id, conversation.language)
    return service.post(conversation, text=body.text, payload=body.payload)


@router.put(
    "/{conversation_id}/language",
    response_model=Reply,
    responses=ERRORS,
    dependencies=[Depends(limit_client)],
)
def switch_language(
    conversation_id: str,
    body: LanguageChoiceIn,
    service: ConversationServiceDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> Reply:
    """The citizen chose a language in the menu; the reply confirms it in that language."""
    conversation = service.authorised(conversation_id, token, language)
    return service.switch_language(conversation, body.language)


@router.get("/{conversation_id}", response_model=Transcript, responses=ERRORS)
def get_transcript(
    conversation_id: str,
    service: ConversationServiceDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> Transcript:
    """The whole conversation so far, for the holder of its token."""
    return service.transcript(service.authorised(conversation_id, token, language))


@router.get(
    "/{conversation_id}/events",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
def follow_events(
    conversation_id: str,
    request: Request,
    components: ComponentsDep,
    bearer: BearerTokenDep,
    language: RequestLanguageDep,
    token: Annotated[str | None, Query(description="Token, for EventSource clients")] = None,
) -> StreamingResponse:
    """Server-sent events: messages that arrive later (a person's reply, a queue position)."""
    # A short session of its own: the stream may stay open for hours, a connection must not.
    with components.database.session() as session:
        find_authorised(session, components.languages, conversation_id, bearer or token, language)
    broker = components.broker

    async def stream() -> AsyncIterator[str]:
        async with broker.subscribe(conversation_id) as queue:
            yield ": connected\n\n"
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: {event['type']}\ndata: {json.dumps(event['data'])}\n\n"

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
