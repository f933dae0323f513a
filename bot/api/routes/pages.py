"""The citizen's web page at `/` with the chat widget."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.api.deps import ComponentsDep, RequestLanguageDep

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "web" / "templates")

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request, components: ComponentsDep, language: RequestLanguageDep
) -> HTMLResponse:
    chosen = components.languages.get(language)
    return TEMPLATES.TemplateResponse(
        request,
        "index.html",
        {"lang": chosen.code, "dir": chosen.dir, "static_url": "/static"},
    )
