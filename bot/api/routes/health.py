"""Liveness and readiness for the supervisor and load balancer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.api.deps import ComponentsDep
from bot.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The app process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(components: ComponentsDep) -> JSONResponse:
    """Rasa (with a model), the action server, the database and the search index are there."""
    checks = {
        "rasa": components.rasa.is_ready(),
        "action_server": components.rasa.actions_ready(),
        "database": components.database.ping(),
        "search_index": components.search.ready(),
    }
    ready = all(checks.values())
    body = Health(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
