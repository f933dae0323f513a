"""Who is calling a staff endpoint: the session cookie, its CSRF token, and the role.

Staff endpoints never accept a citizen's bearer token: a request that carries one is refused
before anything else. Unsafe methods need the session's CSRF token in `X-CSRF-Token` and, when
the browser sends an Origin, one from this site.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from bot.api.deps import ComponentsDep, HandoffServiceDep, SessionDep
from bot.core.errors import ApiError
from bot.db.models import StaffSession, User
from bot.services.agent_desk import AgentDesk
from bot.services.staff import StaffAccounts

COOKIE = "guiderum_staff"
COOKIE_PATH = "/"  # the console (/agent) and the editors' pages (/admin)
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def get_staff_accounts(components: ComponentsDep, session: SessionDep) -> StaffAccounts:
    settings = components.settings
    return StaffAccounts(
        session,
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
        session_length=timedelta(hours=settings.staff_session_hours),
    )


StaffAccountsDep = Annotated[StaffAccounts, Depends(get_staff_accounts)]


def same_site_origin(origin: str | None, host: str | None) -> bool:
    """No Origin (same-origin GETs, non-browser clients) or one naming this host."""
    return origin is None or (host is not None and urlsplit(origin).netloc == host)


def current_session(
    request: Request, accounts: StaffAccountsDep, components: ComponentsDep
) -> StaffSession:
    if "authorization" in request.headers:
        raise ApiError(401, "staff_only", "Logga in i konsolen; chattnycklar gäller inte här.")
    found = accounts.session_for(request.cookies.get(COOKIE), components.clock())
    if found is None:
        raise ApiError(401, "not_logged_in", "Du är inte inloggad. Logga in igen.")
    if request.method not in SAFE_METHODS:
        if not same_site_origin(request.headers.get("origin"), request.headers.get("host")):
            raise ApiError(403, "wrong_origin", "Begäran kom från en annan webbplats.")
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), found.csrf_token.encode()):
            raise ApiError(403, "csrf", "Sidan är för gammal. Ladda om den och försök igen.")
    return found


CurrentSessionDep = Annotated[StaffSession, Depends(current_session)]


def require_role(*roles: str) -> Callable[[StaffSession], User]:
    def check(found: CurrentSessionDep) -> User:
        if found.user.role not in roles:
            raise ApiError(403, "forbidden", "Din roll får inte göra det här.")
        return found.user

    return check


AgentDep = Annotated[User, Depends(require_role("agent", "admin"))]
EditorDep = Annotated[User, Depends(require_role("editor", "admin"))]
StaffDep = Annotated[User, Depends(require_role("agent", "editor", "admin"))]
AdminDep = Annotated[User, Depends(require_role("admin"))]


def get_agent_desk(session: SessionDep, handoffs: HandoffServiceDep) -> AgentDesk:
    return AgentDesk(session, handoffs)


AgentDeskDep = Annotated[AgentDesk, Depends(get_agent_desk)]
