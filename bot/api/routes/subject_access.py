"""Data-subject access requests (admin role): one conversation exported as JSON.

`/admin/subject-access` is a form for the reference the citizen gives (the chat's reference
or a booking reference); the download is audited, so the log shows who exported what.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.api.deps import ComponentsDep, SessionDep
from bot.api.routes.pages import TEMPLATES
from bot.api.staff import AdminDep
from bot.core.errors import ApiError
from bot.services.staff import audit
from bot.services.subject_access import SubjectAccess, SubjectAccessError

router = APIRouter(tags=["subject access"])


@router.get("/admin/subject-access", response_class=HTMLResponse, include_in_schema=False)
def subject_access_page(request: Request, admin: AdminDep) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "subject_access.html", {"static_url": "/static"})


@router.get("/admin/subject-access/export", response_class=Response, include_in_schema=False)
def subject_access_export(
    admin: AdminDep,
    session: SessionDep,
    components: ComponentsDep,
    conversation: str = "",
    booking: str = "",
) -> Response:
    """Everything stored about one conversation, named by its id or by a booking reference."""
    if not conversation.strip() and not booking.strip():
        raise ApiError(
            422, "missing_reference", "Skriv chattens referens eller en bokningsreferens."
        )
    try:
        document = SubjectAccess(session).export(conversation, booking, components.clock())
    except SubjectAccessError as problem:
        raise ApiError(404, "not_found", str(problem)) from None
    conversation_id = document["conversation"]["id"]
    audit(session, admin, "subject_access_export", conversation_id, booking=booking or None)
    session.commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="guiderum-chatt-{conversation_id}.json"'
        },
    )
