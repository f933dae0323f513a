"""The public conversation API's request and response bodies (the contract every channel uses)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

# Row ids fit PostgreSQL's INTEGER; a larger number is refused as invalid input (422) instead
# of reaching the database and failing there.
ROW_ID_MAX = 2**31 - 1
RowId = Annotated[int, Field(ge=1, le=ROW_ID_MAX)]
RowIdPath = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]

ConversationState = Literal["bot", "queued", "agent", "closed"]
Sender = Literal["citizen", "bot", "agent", "system"]


class Button(BaseModel):
    title: str
    payload: str


class Link(BaseModel):
    title: str
    url: str


class MessageOut(BaseModel):
    text: str | None = None
    buttons: list[Button] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    sender: Sender = "bot"
    author: str | None = Field(None, description='An agent\'s display name, e.g. "Anna".')


class HandoffStatus(BaseModel):
    """Where the citizen stands with reaching a person."""

    status: Literal["queued", "agent", "closed", "no_agents", "queue_full"]
    position: int | None = Field(None, description="Place in the queue (1 = next).")
    wait_minutes: int | None = Field(None, description="Rough estimate of the wait.")
    next_available: datetime | None = Field(
        None, description="When a person can answer next, if the contact centre is closed."
    )
    callback: bool = Field(False, description="A call-back request can be left (POST …/callback).")
    booking: bool = Field(
        False, description="A meeting at the district office can be booked instead (/book_meeting)."
    )
    agent: str | None = Field(None, description="Display name of the person in the chat.")


class Meta(BaseModel):
    """What the assistant understood and did; fields that do not apply are null/false/empty."""

    intent: str | None = None
    confidence: float | None = None
    topic: str | None = None
    article_ids: list[str] = Field(default_factory=list)
    emergency: bool = False
    handoff: bool = False
    handoff_status: HandoffStatus | None = None
    booking: dict[str, object] | None = Field(
        None,
        description="Set from the first step of booking or changing a meeting: the step, what is "
        "filled in so far (personal data only named in `given`), and at the end the reference.",
    )


class StartConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(
        None, max_length=35, description="Preferred language (code or Accept-Language value)."
    )


class ConversationStarted(BaseModel):
    conversation_id: str
    token: str = Field(description="Bearer token for this conversation; keep it secret.")
    language: str
    messages: list[MessageOut]


class CitizenMessage(BaseModel):
    """Either typed text or a button's payload, never both."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(
        None, max_length=20_000, description="What the citizen typed (at most 2,000 characters)."
    )
    payload: str | None = Field(
        None, max_length=500, description='A quick-reply button\'s payload, e.g. "/greet".'
    )


class LanguageChoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str = Field(
        max_length=35, description='A language code from /api/languages, e.g. "ar".'
    )


class Reply(BaseModel):
    messages: list[MessageOut]
    language: str
    state: ConversationState
    meta: Meta


class Transcript(BaseModel):
    conversation_id: str
    language: str
    state: ConversationState
    messages: list[MessageOut]
    handoff_status: HandoffStatus | None = None


class CallbackIn(BaseModel):
    """A call-back request: the contact centre phones the citizen when it is open."""

    model_config = ConfigDict(extra="forbid")
    phone: str = Field(max_length=40, description="Swedish or international phone number.")
    preferred_time: str = Field("any", max_length=20, description="morning, afternoon or any.")
    language: str | None = Field(
        None, max_length=35, description="Language of the call; the conversation's by default."
    )


class LanguageOut(BaseModel):
    code: str
    name: str
    dir: Literal["ltr", "rtl"]
    ui: dict[str, str]


class Languages(BaseModel):
    languages: list[LanguageOut]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, bool] = Field(default_factory=dict)
