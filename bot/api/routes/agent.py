"""The agent console at /agent and its API: log in, the queue, chats, notes, call-backs.

The page is static (agent.html + agent.js); everything it shows comes from /agent/api, which
takes only the staff session cookie (see bot/api/staff.py). Live updates come over the
WebSocket in bot/api/routes/agent_ws.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.api.deps import ComponentsDep, SessionDep
from bot.api.routes.pages import TEMPLATES
from bot.api.staff import (
    COOKIE,
    COOKIE_PATH,
    AgentDep,
    AgentDeskDep,
    CurrentSessionDep,
    EditorDep,
    StaffAccountsDep,
    StaffDep,
    same_site_origin,
)
from bot.core.errors import ApiError
from bot.db.models import User, as_utc
from bot.schemas import HandoffStatus, RowIdPath
from bot.services.agent_desk import HeldChat, QueueEntry
from bot.services.canned import CannedIn, CannedOut, CannedResponses
from bot.services.staff import LoginRefused

router = APIRouter(tags=["agent console"])
api = "/agent/api"


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class StaffOut(BaseModel):
    username: str
    display_name: str
    role: str
    languages: list[str]
    status: str
    csrf_token: str


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(max_length=16, description="online or away")


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=20_000)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(
        max_length=32, description="resolved, meeting_booked, referred_to_district, citizen_left"
    )


class QueueOut(BaseModel):
    waiting: list[QueueEntry]
    mine: list[HeldChat]


class ConsoleMessage(BaseModel):
    id: int
    sender: str
    text: str | None
    author: str | None
    created_at: datetime


class NoteOut(BaseModel):
    id: int
    text: str
    author: str | None
    created_at: datetime


class ChatOut(BaseModel):
    conversation_id: str
    language: str
    state: str
    handoff: HandoffStatus | None
    held_by_you: bool
    reason: str | None
    topic: str | None
    priority: bool
    messages: list[ConsoleMessage]
    notes: list[NoteOut]


class CallbackOut(BaseModel):
    id: int
    conversation_id: str
    phone: str
    preferred_time: str
    language: str
    created_at: datetime


# -- the page ------------------------------------------------------------------------------


@router.get("/agent", response_class=HTMLResponse, include_in_schema=False)
def console_page(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "agent.html", {"static_url": "/static"})


# -- logging in and out ----------------------------------------------------------------------


@router.post(f"{api}/login", response_model=StaffOut)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    accounts: StaffAccountsDep,
    components: ComponentsDep,
    session: SessionDep,
) -> StaffOut:
    """Sets the session cookie; five wrong passwords in a row lock the account a while."""
    if not same_site_origin(request.headers.get("origin"), request.headers.get("host")):
        raise ApiError(403, "wrong_origin", "Begäran kom från en annan webbplats.")
    try:
        done = accounts.login(body.username, body.password, components.clock())
    except LoginRefused as refused:
        session.commit()  # the failed attempt and any lockout are kept
        if refused.locked_minutes:
            raise ApiError(
                429,
                "locked",
                f"För många misslyckade inloggningar. Kontot är låst i {refused.locked_minutes} "
                "minuter.",
                headers={"Retry-After": str(refused.locked_minutes * 60)},
            ) from None
        raise ApiError(401, "login_failed", "Fel användarnamn eller lösenord.") from None
    session.commit()
    response.set_cookie(
        COOKIE,
        done.token,
        max_age=int(components.settings.staff_session_hours * 3600),
        path=COOKIE_PATH,
        secure=components.settings.staff_cookie_secure,
        httponly=True,
        samesite="strict",
    )
    return _staff_out(done.user, done.csrf_token)


@router.post(f"{api}/logout", status_code=204)
def logout(
    found: CurrentSessionDep,
    request: Request,
    response: Response,
    accounts: StaffAccountsDep,
    session: SessionDep,
) -> None:
    accounts.logout(request.cookies.get(COOKIE, ""))
    found.user.status = "offline"
    session.commit()
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


@router.get(f"{api}/me", response_model=StaffOut)
def me(found: CurrentSessionDep) -> StaffOut:
    return _staff_out(found.user, found.csrf_token)


@router.put(f"{api}/me/status", status_code=204)
def set_status(body: StatusIn, agent: AgentDep, desk: AgentDeskDep) -> None:
    """online: chats can be queued for you; away: you keep your chats but get no new ones."""
    desk.set_status(agent, body.status)


# -- the queue and chats ---------------------------------------------------------------------


@router.get(f"{api}/queue", response_model=QueueOut)
def queue(agent: AgentDep, desk: AgentDeskDep) -> QueueOut:
    """Waiting chats (acute first, then those offered to you) and the chats you hold."""
    return QueueOut(waiting=desk.queue_for(agent), mine=desk.held_by(agent))


@router.get(f"{api}/chats/{{conversation_id}}", response_model=ChatOut)
def open_chat(conversation_id: str, agent: AgentDep, desk: AgentDeskDep) -> ChatOut:
    """The whole transcript with the bot and the internal notes; the opening is audited."""
    conversation, handoff = desk.open(agent, conversation_id)
    return ChatOut(
        conversation_id=conversation.id,
        language=conversation.language,
        state=conversation.state,
        handoff=desk.handoffs.status(conversation, handoff),
        held_by_you=handoff is not None and handoff.agent_id == agent.id,
        reason=handoff.reason if handoff else None,
        topic=handoff.topic if handoff else None,
        priority=bool(handoff and handoff.priority),
        messages=[
            ConsoleMessage(
                id=m.id,
                sender=m.sender,
                text=m.text,
                author=m.author.display_name if m.author else None,
                created_at=as_utc(m.created_at),
            )
            for m in desk.transcript(conversation)
        ],
        notes=[
            NoteOut(
                id=n.id,
                text=n.text,
                author=n.author.display_name if n.author else None,
                created_at=as_utc(n.created_at),
            )
            for n in desk.notes(conversation)
        ],
    )


@router.post(f"{api}/chats/{{conversation_id}}/accept", status_code=204)
def accept(conversation_id: str, agent: AgentDep, desk: AgentDeskDep) -> None:
    """Take the chat; 409 if another agent was faster."""
    desk.accept(agent, conversation_id)


@router.post(f"{api}/chats/{{conversation_id}}/messages", status_code=201)
def send_message(
    conversation_id: str, body: TextIn, agent: AgentDep, desk: AgentDeskDep
) -> dict[str, int]:
    return {"id": desk.send(agent, conversation_id, body.text).id}


@router.post(f"{api}/chats/{{conversation_id}}/notes", status_code=201)
def add_note(
    conversation_id: str, body: TextIn, agent: AgentDep, desk: AgentDeskDep
) -> dict[str, int]:
    """An internal note: other agents see it, the citizen never does."""
    return {"id": desk.add_note(agent, conversation_id, body.text).id}


@router.post(f"{api}/chats/{{conversation_id}}/handback", status_code=204)
def hand_back(conversation_id: str, agent: AgentDep, desk: AgentDeskDep) -> None:
    """The bot answers again; the citizen is told."""
    desk.hand_back(agent, conversation_id)


@router.post(f"{api}/chats/{{conversation_id}}/close", status_code=204)
def close(conversation_id: str, body: CloseIn, agent: AgentDep, desk: AgentDeskDep) -> None:
    desk.close(agent, conversation_id, body.outcome)


# -- call-back requests ------------------------------------------------------------------------


@router.get(f"{api}/callbacks", response_model=list[CallbackOut])
def callbacks(agent: AgentDep, desk: AgentDeskDep) -> list[CallbackOut]:
    return [
        CallbackOut(
            id=c.id,
            conversation_id=c.conversation_id,
            phone=c.phone,
            preferred_time=c.preferred_time,
            language=c.language,
            created_at=as_utc(c.created_at),
        )
        for c in desk.open_callbacks()
    ]


@router.post(f"{api}/callbacks/{{callback_id}}/done", status_code=204)
def callback_done(callback_id: RowIdPath, agent: AgentDep, desk: AgentDeskDep) -> None:
    desk.callback_done(agent, callback_id)


# -- canned responses ------------------------------------------------------------------------


@router.get(f"{api}/canned", response_model=list[CannedOut])
def list_canned(
    _user: StaffDep,
    session: SessionDep,
    components: ComponentsDep,
    language: Annotated[str | None, Query(max_length=16)] = None,
) -> list[CannedOut]:
    return CannedResponses(session, components.languages).for_language(language)


@router.post(f"{api}/canned", status_code=201, response_model=CannedOut)
def create_canned(
    body: CannedIn, editor: EditorDep, session: SessionDep, components: ComponentsDep
) -> CannedOut:
    return CannedResponses(session, components.languages).save(editor, body)


@router.put(f"{api}/canned/{{canned_id}}", response_model=CannedOut)
def update_canned(
    canned_id: RowIdPath,
    body: CannedIn,
    editor: EditorDep,
    session: SessionDep,
    components: ComponentsDep,
) -> CannedOut:
    return CannedResponses(session, components.languages).save(editor, body, canned_id)


@router.delete(f"{api}/canned/{{canned_id}}", status_code=204)
def delete_canned(
    canned_id: RowIdPath, editor: EditorDep, session: SessionDep, components: ComponentsDep
) -> None:
    CannedResponses(session, components.languages).delete(editor, canned_id)


def _staff_out(user: User, csrf_token: str) -> StaffOut:
    return StaffOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        languages=user.languages,
        status=user.status,
        csrf_token=csrf_token,
    )
