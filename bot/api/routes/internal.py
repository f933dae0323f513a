"""Endpoints only Rasa and the action server call (loopback, shared token).

- `POST /internal/nlg`: Rasa's NLG endpoint — renders a response in the conversation's language.
- `POST /internal/conversations/{id}/unanswered`: the action server reports a message the
  assistant could not answer; the app records it and says how many came in a row.
"""

from __future__ import annotations

import hmac
from itertools import takewhile
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from bot.api.deps import ComponentsDep, SessionDep
from bot.core.errors import ApiError
from bot.db.models import Conversation, ConversationEvent, Message

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


def require_internal_token(components: ComponentsDep, token: Annotated[str, Query()] = "") -> None:
    expected = components.settings.internal_token.get_secret_value()
    if expected and not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(403, "forbidden", "internal endpoint")


InternalOnly = Depends(require_internal_token)


class NlgRequest(BaseModel):
    response: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    tracker: dict[str, Any] = Field(default_factory=dict)


@router.post("/nlg", dependencies=[InternalOnly])
def render_response(request: NlgRequest, components: ComponentsDep) -> dict[str, Any]:
    slots: dict[str, Any] = request.tracker.get("slots") or {}
    # The app sends the conversation's active language with every message it delivers.
    metadata = (request.tracker.get("latest_message") or {}).get("metadata") or {}
    language = metadata.get("language") or components.languages.default
    values = {**slots, **components.contacts, **request.arguments}
    try:
        rendered = components.responses.render(request.response, language, values)
    except KeyError as error:
        raise ApiError(404, "unknown_response", str(error)) from error
    return {key: value for key, value in rendered.items() if value}


class UnansweredReport(BaseModel):
    text: str | None = None
    intent: str | None = None
    confidence: float | None = None


class UnansweredCount(BaseModel):
    consecutive: int


FALLBACK_INTENT = "nlu_fallback"


@router.post(
    "/conversations/{conversation_id}/unanswered",
    dependencies=[InternalOnly],
    response_model=UnansweredCount,
)
def record_unanswered(
    conversation_id: str, report: UnansweredReport, session: SessionDep
) -> UnansweredCount:
    """Records the miss and counts the misses in a row, this one included.

    The current message is still being answered, so the earlier answered citizen messages are
    read back until one was understood.
    """
    if session.get(Conversation, conversation_id) is None:
        raise ApiError(404, "not_found", "no such conversation")
    recent_intents = session.scalars(
        select(Message.intent)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender == "citizen",
            Message.status == "answered",
        )
        .order_by(Message.id.desc())
        .limit(20)
    )
    earlier_misses = len(list(takewhile(lambda intent: intent == FALLBACK_INTENT, recent_intents)))
    session.add(
        ConversationEvent(
            conversation_id=conversation_id, kind="unanswered", data=report.model_dump()
        )
    )
    return UnansweredCount(consecutive=earlier_misses + 1)
