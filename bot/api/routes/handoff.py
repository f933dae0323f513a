"""The citizen's side of reaching a person: stop waiting, ask to be called back, typing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from bot.api.deps import (
    BearerTokenDep,
    ConversationServiceDep,
    HandoffServiceDep,
    RequestLanguageDep,
    limit_client,
)
from bot.api.routes.conversations import ERRORS
from bot.schemas import CallbackIn, ErrorBody, Meta, Reply

router = APIRouter(prefix="/api/conversations", tags=["handoff"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "Not waiting for or talking to a person."}
}


@router.delete(
    "/{conversation_id}/handoff",
    response_model=Reply,
    responses={**ERRORS, **CONFLICT},
    dependencies=[Depends(limit_client)],
)
def stop_waiting(
    conversation_id: str,
    service: ConversationServiceDep,
    handoffs: HandoffServiceDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> Reply:
    """Leave the queue (or the chat with the person) and go back to the bot."""
    conversation = service.authorised(conversation_id, token, language)
    messages = handoffs.cancel(conversation)
    return Reply(messages=messages, language=conversation.language, state="bot", meta=Meta())


@router.post(
    "/{conversation_id}/callback",
    status_code=201,
    response_model=Reply,
    responses=ERRORS,
    dependencies=[Depends(limit_client)],
)
def request_callback(
    conversation_id: str,
    body: CallbackIn,
    service: ConversationServiceDep,
    handoffs: HandoffServiceDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> Reply:
    """Ask the contact centre to phone back; it appears in the agents' call-back list."""
    conversation = service.authorised(conversation_id, token, language)
    confirmation = handoffs.leave_callback(conversation, body)
    return Reply(
        messages=[confirmation],
        language=conversation.language,
        state=conversation.state,
        meta=Meta(handoff_status=handoffs.status(conversation)),
    )


@router.post(
    "/{conversation_id}/typing",
    status_code=204,
    responses=ERRORS,
    dependencies=[Depends(limit_client)],
)
def citizen_typing(
    conversation_id: str,
    service: ConversationServiceDep,
    handoffs: HandoffServiceDep,
    token: BearerTokenDep,
    language: RequestLanguageDep,
) -> None:
    """The citizen is writing; the agent holding the chat sees an indicator."""
    handoffs.citizen_typing(service.authorised(conversation_id, token, language))
