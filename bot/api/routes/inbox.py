"""The editors' inbox at /admin/inbox: questions answered badly, grouped, and fixed from there.

For a group an editor can add a wording to an article's example questions (the search index is
rebuilt at once), add it as an NLU example to an intent (Rasa retrains in the background), mark
the group out of scope, or start a draft article. Every change is written to the content files,
shown as a diff, and recorded in the audit log, which the page shows as the change log.
"""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.api.deps import ComponentsDep, SessionDep
from bot.api.routes.pages import TEMPLATES
from bot.api.staff import EditorDep
from bot.catalogue.articles import TOPICS
from bot.catalogue.search import rebuild_index
from bot.core.errors import ApiError
from bot.db.models import AuditEntry, InboxQuestion, TrainingJob
from bot.schemas import RowId
from bot.services.content_edits import ContentEditError, ContentFiles, FileEdit
from bot.services.staff import audit
from bot.stats.inbox import MAX_OPEN, Inbox, QuestionGroup

router = APIRouter(tags=["inbox"])
api = "/admin/api"
CHANGE_LOG_ACTIONS = (
    "inbox_article_question", "inbox_nlu_example", "inbox_out_of_scope", "inbox_draft_article",
    "model_retrain",
)  # fmt: skip


class GroupOut(BaseModel):
    event_ids: list[int]
    count: int
    texts: list[str]
    languages: list[tuple[str, int]]
    reasons: list[tuple[str, int]]
    articles: list[str] = Field(description="Articles that were given but did not help.")


class InboxActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_ids: list[RowId] = Field(min_length=1, max_length=MAX_OPEN)
    action: Literal["article_question", "nlu_example", "out_of_scope", "draft_article"]
    text: str = Field("", max_length=300, description="The wording to add; the group's first.")
    language: str = Field("sv", max_length=16)
    article_id: str | None = Field(None, max_length=80)
    intent: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200)
    topic: str | None = Field(None, max_length=40)


class TrainingOut(BaseModel):
    id: int
    status: str
    progress: int
    message: str
    requested_by: str


class InboxActionOut(BaseModel):
    closed: int
    path: str | None = None
    diff: str | None = None
    reindex_seconds: float | None = None
    training: TrainingOut | None = None


def get_inbox(components: ComponentsDep, session: SessionDep) -> Inbox:
    components.rollup.catch_up(session, components.clock())  # the questions of chats just held
    return Inbox(session, components.search.embedder)


InboxDep = Annotated[Inbox, Depends(get_inbox)]


def get_content_files(components: ComponentsDep) -> ContentFiles:
    return ContentFiles(components.settings.content_root)


ContentFilesDep = Annotated[ContentFiles, Depends(get_content_files)]


@router.get("/admin/inbox", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(
    request: Request,
    editor: EditorDep,
    inbox: InboxDep,
    session: SessionDep,
    components: ComponentsDep,
    files: ContentFilesDep,
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "inbox.html",
        {
            "static_url": "/static",
            "groups": [_group_out(g) for g in inbox.groups()],
            "articles": sorted(components.search.titles().items(), key=lambda pair: pair[1]),
            "intents": files.intents("sv"),
            "topics": TOPICS,
            "languages": components.languages.codes(),
            "changes": _change_log(session),
            "training": _latest_training(components),
        },
    )


@router.get(f"{api}/inbox", response_model=list[GroupOut])
def inbox_groups(editor: EditorDep, inbox: InboxDep) -> list[GroupOut]:
    return [_group_out(g) for g in inbox.groups()]


@router.post(f"{api}/inbox/actions", response_model=InboxActionOut)
def act_on_group(
    body: InboxActionIn,
    editor: EditorDep,
    inbox: InboxDep,
    session: SessionDep,
    components: ComponentsDep,
    files: ContentFilesDep,
) -> InboxActionOut:
    """Does what the editor chose for a group and closes its questions."""
    questions = [q for q in inbox.open_questions() if q.event_id in set(body.event_ids)]
    if not questions:
        raise ApiError(409, "already_done", "Någon har redan tagit hand om de här frågorna.")
    text = body.text.strip() or questions[0].text
    result = InboxActionOut(closed=0)
    try:
        edit = _edit_files(body, text, questions, files)
    except ContentEditError as problem:
        raise ApiError(422, "invalid_edit", str(problem)) from None
    if edit is not None:
        result.path, result.diff = edit.path, edit.diff
    if body.action == "article_question":
        started = time.monotonic()
        settings = components.settings
        rebuild_index(
            settings.search_index_path, components.search.embedder, settings.knowledge_dir,
            components.clock().date(),
        )  # fmt: skip
        result.reindex_seconds = round(time.monotonic() - started, 2)
    if body.action == "nlu_example":
        result.training = _training_out(components.training.request(editor.username))
    result.closed = inbox.resolve(body.event_ids, body.action, editor.username, components.clock())
    audit(
        session, editor, f"inbox_{body.action}", text=text, questions=result.closed,
        file=result.path, article_id=body.article_id, intent=body.intent,
    )  # fmt: skip
    session.commit()
    return result


@router.get(f"{api}/training", response_model=TrainingOut | None)
def training_status(editor: EditorDep, components: ComponentsDep) -> TrainingOut | None:
    return _latest_training(components)


@router.post(f"{api}/training", status_code=202, response_model=TrainingOut)
def start_training(
    editor: EditorDep, components: ComponentsDep, session: SessionDep
) -> TrainingOut:
    """Retrains Rasa on the current files (after edits made by hand, for example)."""
    job = components.training.request(editor.username)
    audit(session, editor, "model_retrain", job_id=job.id)
    session.commit()
    return _training_out(job)


def _edit_files(
    body: InboxActionIn, text: str, questions: list[InboxQuestion], files: ContentFiles
) -> FileEdit | None:
    if body.action == "article_question":
        if not body.article_id:
            raise ContentEditError("Välj vilken artikel frågan hör till.")
        return files.add_article_question(body.article_id, body.language, text)
    if body.action == "nlu_example":
        if not body.intent:
            raise ContentEditError("Välj vilken avsikt (intent) exemplet hör till.")
        return files.add_nlu_example(body.language, body.intent, text)
    if body.action == "draft_article":
        wordings = [q.text for q in questions if q.language == body.language] or [text]
        return files.create_draft_article(
            body.title or text, list(dict.fromkeys(wordings))[:20], body.language, body.topic
        )
    return None  # out of scope: nothing to write


def _group_out(group: QuestionGroup) -> GroupOut:
    return GroupOut(
        event_ids=group.event_ids, count=group.count, texts=group.texts,
        languages=group.languages, reasons=group.reasons, articles=group.articles,
    )  # fmt: skip


def _latest_training(components: ComponentsDep) -> TrainingOut | None:
    job = components.training.latest()
    return _training_out(job) if job else None


def _training_out(job: TrainingJob) -> TrainingOut:
    return TrainingOut(
        id=job.id, status=job.status, progress=job.progress, message=job.message,
        requested_by=job.requested_by,
    )  # fmt: skip


def _change_log(session: Session, limit: int = 50) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_(CHANGE_LOG_ACTIONS))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )
