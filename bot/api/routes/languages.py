"""The languages the widget can offer, each with its own UI texts."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api.deps import ComponentsDep
from bot.schemas import LanguageOut, Languages

router = APIRouter(prefix="/api", tags=["languages"])


@router.get("/languages", response_model=Languages)
def list_languages(components: ComponentsDep) -> Languages:
    return Languages(
        languages=[
            LanguageOut(code=lang.code, name=lang.name, dir=lang.dir, ui=lang.ui)
            for lang in components.languages.all()
        ]
    )
