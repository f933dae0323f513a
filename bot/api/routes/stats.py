"""The statistics dashboard at /admin/stats (editor and admin roles) and its CSV exports.

Server-rendered: the figures are in the HTML, the charts are inline SVG drawn from the same
tables, so the page works without scripts and prints. Before each page the conversations that
changed since the last look are summed up, so a chat just held shows at once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot.api.deps import ComponentsDep, SessionDep
from bot.api.routes.pages import TEMPLATES
from bot.api.staff import EditorDep
from bot.core.errors import ApiError
from bot.services.slots import STOCKHOLM
from bot.services.spreadsheet import spreadsheet_csv
from bot.services.staff import audit
from bot.stats.dashboard import MAX_DAYS, Dashboard, StatsFilter

router = APIRouter(tags=["statistics"])
DEFAULT_DAYS = 30


def stats_filter(
    components: ComponentsDep,
    first: Annotated[str, Query(alias="from")] = "",
    last: Annotated[str, Query(alias="to")] = "",
    language: str = "",
    district: str = "",
) -> StatsFilter:
    """The filter from the form; empty dates mean the last 30 days."""
    today = components.clock().astimezone(STOCKHOLM).date()
    end = _date(last, "Till", today)
    start = _date(first, "Från", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ApiError(422, "invalid_range", "Från-datumet ska vara före till-datumet.")
    if (end - start).days >= MAX_DAYS:
        raise ApiError(422, "invalid_range", f"Välj högst {MAX_DAYS} dagar åt gången.")
    if language and language not in components.languages:
        raise ApiError(422, "unknown_language", f"Språket {language!r} finns inte i tjänsten.")
    if district and components.districts.get(district) is None:
        raise ApiError(422, "unknown_district", f"Stadsdelen {district!r} finns inte.")
    return StatsFilter(start, end, language or None, district or None)


StatsFilterDep = Annotated[StatsFilter, Depends(stats_filter)]


def _date(value: str, field: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_date", f"{field}: skriv datumet som ÅÅÅÅ-MM-DD.") from None


def get_dashboard(components: ComponentsDep, session: SessionDep, editor: EditorDep) -> Dashboard:
    components.rollup.catch_up(session, components.clock())
    titles = components.search.titles()
    return Dashboard(session, lambda article_id: titles.get(article_id, "(borttagen artikel)"))


DashboardDep = Annotated[Dashboard, Depends(get_dashboard)]


@router.get("/admin/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(
    request: Request, board: DashboardDep, where: StatsFilterDep, components: ComponentsDep
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "stats.html",
        {
            "static_url": "/static",
            "where": where,
            "summary": board.summary(where),
            "tables": board.tables(where),
            "languages": [(code, components.languages.get(code).name)
                          for code in components.languages.codes()],
            "districts": [(d.id, d.name) for d in components.districts.districts.values()],
        },
    )  # fmt: skip


@router.get("/admin/stats/{name}.csv", response_class=Response)
def stats_csv(
    name: str,
    editor: EditorDep,
    board: DashboardDep,
    where: StatsFilterDep,
    session: SessionDep,
) -> Response:
    """One table of the dashboard, with the same filter, for Excel."""
    table = board.table(name, where)
    if table is None:
        raise ApiError(404, "not_found", "Tabellen finns inte.")
    audit(session, editor, "stats_exported", table=name, **where.query())
    session.commit()
    filename = f"guiderum-{name}-{where.first}-{where.last}.csv"
    return Response(
        spreadsheet_csv(table.columns, table.rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
