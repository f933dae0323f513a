"""The web application: conversation API, widget page, internal endpoints for Rasa.

Run with `bot serve` (or `uvicorn bot.main:create_app --factory`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api.deps import Components
from bot.api.routes import (
    agent,
    agent_ws,
    bookings,
    conversations,
    guide,
    handoff,
    health,
    inbox,
    internal,
    languages,
    pages,
    stats,
    subject_access,
)
from bot.catalogue.embeddings import Embedder, configured_embedder
from bot.core.config import Settings, get_settings
from bot.core.errors import ApiError
from bot.core.security import SecurityHeaders
from bot.db.session import Database
from bot.safety.acute import AcuteDetector
from bot.services import retention
from bot.services.answers import CatalogueSearch
from bot.services.broker import build_broker
from bot.services.contacts import load_contacts
from bot.services.districts import DistrictDirectory
from bot.services.language_choice import LanguageChoice
from bot.services.language_detection import LanguageDetector
from bot.services.language_requests import LanguageRequests
from bot.services.languages import LanguageRegistry
from bot.services.opening_hours import OpeningHours
from bot.services.rasa_client import RasaClient
from bot.services.rate_limit import RateLimiter
from bot.services.responses import ResponseCatalog
from bot.services.retention import DailyJobs
from bot.services.slots import publish_slots
from bot.services.training import ModelTraining
from bot.stats.rollup import StatsRollup

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


@lru_cache
def _shared_models(embedding_model: str, cache_dir: Path) -> tuple[Embedder, AcuteDetector]:
    """One embedding model and one acute detector per process (they hold no request state)."""
    embedder = configured_embedder(embedding_model)
    return embedder, AcuteDetector(embedder, cache_dir=cache_dir)


@lru_cache
def _language_detector(codes: tuple[str, ...]) -> LanguageDetector:
    return LanguageDetector(codes)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_components(settings: Settings) -> Components:
    embedder, acute = _shared_models(settings.embedding_model, settings.cache_dir)
    languages = LanguageRegistry.load(default=settings.default_language)
    hours = OpeningHours.load(settings.opening_hours_path)
    database = Database(settings.database_url)
    rasa = RasaClient(
        settings.rasa_url,
        settings.action_server_url,
        token=settings.internal_token.get_secret_value(),
        timeout=settings.rasa_timeout_seconds,
    )
    return Components(
        settings=settings,
        database=database,
        rasa=rasa,
        languages=languages,
        responses=ResponseCatalog.load(),
        broker=build_broker(settings.redis_url, settings.redis_prefix),
        contacts=load_contacts(),
        search=CatalogueSearch(
            settings.search_index_path,
            embedder,
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            public_url=settings.public_url,
            knowledge_dir=settings.knowledge_dir,
            not_translated_note=lambda code: languages.get(code).language["not_available"],
        ),
        acute=acute,
        language_choice=LanguageChoice(
            languages, _language_detector(tuple(languages.codes())), LanguageRequests.load()
        ),
        hours=hours,
        rollup=StatsRollup(hours),
        training=ModelTraining(database, rasa, settings.model_dir, root=settings.content_root),
        districts=DistrictDirectory.load(),
        calendar_secret=settings.calendar_key(),
        clock=_utc_now,
        client_limiter=RateLimiter(settings.client_requests_per_minute, 60),
        conversation_limiter=RateLimiter(settings.conversation_messages_per_minute, 60),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.components = build_components(settings)
        # Train the acute classifier now (seconds), not on a citizen's first message.
        app.state.components.acute.warm_up()
        app.state.components.language_choice.detector.warm_up()
        app.state.components.search.warm_up()
        components: Components = app.state.components
        daily = DailyJobs({
            "conversations deleted": lambda: retention.purge(
                components.database, settings.rasa_tracker_url, settings.retention_days,
                components.rollup,
            ),
            "conversations summed up for the statistics": lambda: components.rollup.update(
                components.database, components.clock()
            ),
            "bookings cleared of personal data": lambda: retention.purge_booking_data(
                components.database, settings.booking_retention_days
            ),
            "meeting times published": lambda: publish_slots(
                components.database, components.districts, settings.slot_publish_weeks
            ),
        })  # fmt: skip
        daily.start()
        yield
        daily.stop()
        app.state.components.rasa.close()
        app.state.components.broker.close()
        app.state.components.database.dispose()

    app = FastAPI(
        title="Guiderum",
        summary="Chat assistant about ekonomiskt bistånd for the City of Stockholm",
        version="0.1.0",
        lifespan=lifespan,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language"],
        )
    app.add_middleware(
        SecurityHeaders,  # outermost: every response, errors included
        frame_ancestors=settings.frame_ancestors,
        max_body_bytes=settings.max_request_bytes,
    )
    _install_error_handlers(app)
    for module in (
        conversations, handoff, languages, health, internal, pages, guide, agent, agent_ws,
        bookings, stats, inbox, subject_access,
    ):  # fmt: skip
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _is_page(path: str) -> bool:
    """Guide and staff pages, which a person reads: errors come as a page, not as JSON."""
    is_api = path.startswith("/admin/api") or path.endswith(".csv")
    return path.startswith(("/guide", "/admin")) and not is_api


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _request_language(request: Request) -> str:
    registry: LanguageRegistry = request.app.state.components.languages
    return registry.negotiate(request.headers.get("accept-language"))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        path = request.url.path
        if _is_page(path):
            # A person reading pages gets a page, with the way back (or to the login).
            message = escape(error.message)
            back = '<a href="/guide">Guiderum</a>'
            if path.startswith("/admin"):
                back = (
                    '<a href="/agent">Logga in i konsolen</a>'
                    if error.status == 401
                    else ('<a href="javascript:history.back()">Tillbaka</a>')
                )
            page = (
                f'<!doctype html><html lang="sv"><meta charset="utf-8"><title>{message}</title>'
                f"<h1>{message}</h1><p>{back}</p></html>"
            )
            return HTMLResponse(page, status_code=error.status)
        response = _error(error.status, error.code, error.message)
        response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        registry: LanguageRegistry = request.app.state.components.languages
        language = _request_language(request)
        problems = error.errors()
        if any(
            p.get("loc", ())[-1:] == ("text",) and p.get("type") == "string_too_long"
            for p in problems
        ):
            limit = request.app.state.components.settings.max_message_chars
            return _error(
                422, "text_too_long", registry.error_text(language, "text_too_long", limit=limit)
            )
        return _error(422, "invalid_body", registry.error_text(language, "invalid_body"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        registry: LanguageRegistry = request.app.state.components.languages
        language = _request_language(request)
        if error.status_code == 404:
            return _error(404, "not_found", registry.error_text(language, "not_found"))
        if error.status_code == 400:  # e.g. a body that is not UTF-8
            return _error(400, "invalid_body", registry.error_text(language, "invalid_body"))
        return _error(error.status_code, "http_error", str(error.detail))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        # The server logs the traceback; the client gets the same JSON shape as for any error.
        return _error(500, "internal_error", "Something went wrong.")
