"""The console's live connection: queue changes, citizens' messages and typing, pushed at once.

The browser sends its session cookie with the WebSocket handshake; a connection from another
site, without a session, or from a role that takes no chats is refused (close code 1008). The
console sends `{"type": "ping"}` every 20 seconds, which keeps the agent counted as online
and re-checks the session; `{"type": "typing", "conversation_id": …}` shows the citizen that
the agent is writing. Messages in a chat held by another agent are not forwarded.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.api.deps import Components, get_handoff_service
from bot.api.staff import COOKIE, get_staff_accounts, same_site_origin
from bot.core.errors import ApiError
from bot.db.models import User
from bot.services.agent_desk import AgentDesk
from bot.services.broker import STAFF, Event
from bot.services.queue import CHAT_ROLES

router = APIRouter()
POLICY_VIOLATION = 1008
_PRIVATE_EVENTS = ("message", "typing")  # only for the agent holding the chat


@router.websocket("/agent/ws")
async def console_events(websocket: WebSocket) -> None:
    components: Components = websocket.app.state.components
    token = websocket.cookies.get(COOKIE)
    allowed = same_site_origin(websocket.headers.get("origin"), websocket.headers.get("host"))
    agent_id = await run_in_threadpool(_signed_in_agent, components, token) if allowed else None
    if agent_id is None:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    async with components.broker.subscribe(STAFF) as events:
        await websocket.send_json({"type": "hello", "data": {}})
        listener = asyncio.create_task(_listen(websocket, components, token, agent_id))
        try:
            while not listener.done():
                getter = asyncio.ensure_future(events.get())
                done, _ = await asyncio.wait(
                    {getter, listener}, return_when=asyncio.FIRST_COMPLETED
                )
                if getter not in done:
                    getter.cancel()
                    break
                event = getter.result()
                if _for_agent(event, agent_id):
                    await websocket.send_json(event)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener


async def _listen(
    websocket: WebSocket, components: Components, token: str | None, agent_id: int
) -> None:
    """Reads the console's frames until it goes away or its session ends."""
    while True:
        try:
            frame: Any = await websocket.receive_json()
        except (WebSocketDisconnect, ValueError, RuntimeError):
            return
        if not isinstance(frame, dict):
            continue
        if frame.get("type") == "ping":
            if await run_in_threadpool(_signed_in_agent, components, token) != agent_id:
                await websocket.close(code=POLICY_VIOLATION)
                return
            await run_in_threadpool(_seen, components, agent_id)
            await websocket.send_json({"type": "pong", "data": {}})
        elif frame.get("type") == "typing" and isinstance(frame.get("conversation_id"), str):
            await run_in_threadpool(_typing, components, agent_id, frame["conversation_id"])


def _for_agent(event: Event, agent_id: int) -> bool:
    if event.get("type") not in _PRIVATE_EVENTS:
        return True
    holder = (event.get("data") or {}).get("agent_id")
    return holder is None or holder == agent_id


def _signed_in_agent(components: Components, token: str | None) -> int | None:
    with components.database.session() as session:
        found = get_staff_accounts(components, session).session_for(token, components.clock())
        if found is None or found.user.role not in CHAT_ROLES:
            return None
        return found.user.id


def _desk(components: Components, session: Session) -> AgentDesk:
    return AgentDesk(session, get_handoff_service(components, session))


def _seen(components: Components, agent_id: int) -> None:
    with components.database.session() as session:
        _desk(components, session).seen(agent_id)


def _typing(components: Components, agent_id: int, conversation_id: str) -> None:
    with components.database.session() as session:
        desk = _desk(components, session)
        agent = session.get(User, agent_id)
        if agent is None:
            return
        with contextlib.suppress(ApiError):  # not (or no longer) this agent's chat
            desk.typing(agent, conversation_id)
