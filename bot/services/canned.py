"""Canned responses: ready-made agent replies per language, kept by editors.

Usage:
    canned = CannedResponses(session, languages)
    canned.save(editor, CannedIn(language="en", title="Greeting", text="Hello, my name is …"))
    canned.for_language("en")
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import ApiError
from bot.db.models import CannedResponse, User
from bot.services.languages import LanguageRegistry
from bot.services.staff import audit


class CannedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str = Field(max_length=16)
    title: str = Field(max_length=200)
    text: str = Field(max_length=5000)


class CannedOut(BaseModel):
    id: int
    language: str
    title: str
    text: str


MAX_TITLE, MAX_TEXT = 80, 1000


class CannedResponses:
    def __init__(self, session: Session, languages: LanguageRegistry) -> None:
        self.session = session
        self.languages = languages

    def for_language(self, language: str | None) -> list[CannedOut]:
        query = select(CannedResponse).order_by(CannedResponse.language, CannedResponse.title)
        if language:
            query = query.where(CannedResponse.language == language)
        return [_out(row) for row in self.session.scalars(query)]

    def save(self, editor: User, data: CannedIn, canned_id: int | None = None) -> CannedOut:
        title, text = data.title.strip(), data.text.strip()
        if data.language not in self.languages:
            raise ApiError(422, "unknown_language", "Okänt språk: välj ett i listan.")
        if not title or len(title) > MAX_TITLE:
            raise ApiError(422, "invalid_title", f"Rubriken ska ha 1–{MAX_TITLE} tecken.")
        if not text or len(text) > MAX_TEXT:
            raise ApiError(422, "invalid_text", f"Texten ska ha 1–{MAX_TEXT} tecken.")
        row = self._get(canned_id) if canned_id is not None else CannedResponse()
        row.language, row.title, row.text, row.updated_by = data.language, title, text, editor.id
        self.session.add(row)
        self.session.flush()
        audit(self.session, editor, "canned_saved", canned_id=row.id)
        self.session.commit()
        return _out(row)

    def delete(self, editor: User, canned_id: int) -> None:
        self.session.delete(self._get(canned_id))
        audit(self.session, editor, "canned_deleted", canned_id=canned_id)
        self.session.commit()

    def _get(self, canned_id: int) -> CannedResponse:
        row = self.session.get(CannedResponse, canned_id)
        if row is None:
            raise ApiError(404, "not_found", "Svaret finns inte.")
        return row


def _out(row: CannedResponse) -> CannedOut:
    return CannedOut(id=row.id, language=row.language, title=row.title, text=row.text)
