"""Endpoints only Rasa and the action server call (loopback, shared token).

- `POST /internal/nlg`: Rasa's NLG endpoint — renders a response in the conversation's language.
- `POST /internal/conversations/{id}/answers`: answer a factual question from the catalogue;
  a question it cannot answer is recorded, with how many misses came in a row.
- `POST /internal/conversations/{id}/articles`: the article the citizen chose from "Did you
  mean…?".
- `POST /internal/conversations/{id}/feedback`: "Was this helpful?" for an article.
"""

from __future__ import annotations

import hmac
from datetime import date
from itertools import takewhile
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.api.deps import ComponentsDep, SessionDep
from bot.core.errors import ApiError
from bot.db.models import Conversation, ConversationEvent
from bot.services.answers import ArticleView

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


class Question(BaseModel):
    text: str = ""
    language: str = "sv"
    intent: str | None = None
    confidence: float | None = None


class AnswerOut(BaseModel):
    decision: Literal["answer", "clarify", "unknown"]
    article: ArticleView | None = None
    candidates: list[ArticleView] = Field(default_factory=list)
    misses_in_a_row: int = 0


@router.post(
    "/conversations/{conversation_id}/answers",
    dependencies=[InternalOnly],
    response_model=AnswerOut,
)
def answer_question(
    conversation_id: str, question: Question, session: SessionDep, components: ComponentsDep
) -> AnswerOut:
    _require_conversation(session, conversation_id)
    result = components.search.answer(question.text, question.language, date.today())
    answer = AnswerOut(
        decision=result.decision,
        article=result.article,
        candidates=result.candidates,
    )
    if result.decision == "unknown":
        answer.misses_in_a_row = _record_miss(session, conversation_id, question)
    else:
        shown = [result.article] if result.article else result.candidates
        session.add(ConversationEvent(
            conversation_id=conversation_id, kind=f"article_{result.decision}",
            data={
                "article_ids": [a.id for a in shown], "topic": shown[0].topic,
                "question": question.text, "language": question.language,
            },
        ))  # fmt: skip
    return answer


class ArticleChoice(BaseModel):
    article_id: str
    language: str = "sv"


@router.post(
    "/conversations/{conversation_id}/articles",
    dependencies=[InternalOnly],
    response_model=AnswerOut,
)
def choose_article(
    conversation_id: str, choice: ArticleChoice, session: SessionDep, components: ComponentsDep
) -> AnswerOut:
    """The citizen picked an article from "Did you mean…?"."""
    _require_conversation(session, conversation_id)
    article = components.search.article(choice.article_id, choice.language, date.today())
    if article is None:
        return AnswerOut(decision="unknown")
    session.add(ConversationEvent(
        conversation_id=conversation_id, kind="article_answer",
        data={"article_ids": [article.id], "topic": article.topic, "chosen": True},
    ))  # fmt: skip
    return AnswerOut(decision="answer", article=article)


class Feedback(BaseModel):
    article_id: str
    helpful: bool


@router.post(
    "/conversations/{conversation_id}/feedback", dependencies=[InternalOnly], status_code=204
)
def record_feedback(conversation_id: str, feedback: Feedback, session: SessionDep) -> None:
    """Stored per article, for the helpful rate editors see."""
    _require_conversation(session, conversation_id)
    session.add(ConversationEvent(
        conversation_id=conversation_id, kind="article_feedback", data=feedback.model_dump()
    ))  # fmt: skip


def _require_conversation(session: Session, conversation_id: str) -> None:
    if session.get(Conversation, conversation_id) is None:
        raise ApiError(404, "not_found", "no such conversation")


def _record_miss(session: Session, conversation_id: str, question: Question) -> int:
    """Records the miss and counts the misses in a row, this one included.

    The current message is still being answered, so the earlier answered citizen messages are
    read back until one was understood.
    """
    recent = session.scalars(
        select(ConversationEvent.kind)
        .where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.kind.in_(["unanswered", "article_answer", "article_clarify"]),
        )
        .order_by(ConversationEvent.id.desc())
        .limit(20)
    )
    earlier = len(list(takewhile(lambda kind: kind == "unanswered", recent)))
    session.add(ConversationEvent(
        conversation_id=conversation_id, kind="unanswered", data=question.model_dump()
    ))  # fmt: skip
    return earlier + 1
