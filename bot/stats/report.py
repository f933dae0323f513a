"""The monthly report a unit manager can forward: one self-contained HTML file with the month's
figures next to the month before, the charts and the tables (`bot report --month 2026-11`).

Usage:
    html = MonthlyReport(session, titles).render(date(2026, 11, 1))
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from bot.core.config import PROJECT_ROOT
from bot.stats.dashboard import Dashboard, StatsFilter

WEB = PROJECT_ROOT / "bot" / "web"
MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december",
)  # fmt: skip


def month_bounds(first_day: date) -> StatsFilter:
    following = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return StatsFilter(first_day, following - timedelta(days=1))


def parse_month(value: str) -> date:
    """ "2026-11" → 2026-11-01, with a message a person understands otherwise."""
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise ValueError(
            f"Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-11 (inte {value!r})."
        ) from None


class MonthlyReport:
    def __init__(self, session: Session, titles: Callable[[str], str]) -> None:
        self.board = Dashboard(session, titles)
        self.templates = Environment(
            loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape()
        )

    def render(self, first_day: date) -> str:
        where = month_bounds(first_day)
        before = month_bounds((first_day - timedelta(days=1)).replace(day=1))
        now, then = self.board.summary(where), self.board.summary(before)
        return self.templates.get_template("report.html").render(
            month=f"{MONTHS_SV[first_day.month - 1]} {first_day.year}",
            previous=f"{MONTHS_SV[before.first.month - 1]} {before.first.year}",
            figures=[
                (label, value, earlier)
                for (label, value), (_, earlier) in zip(now.figures, then.figures, strict=True)
            ],
            tables=self.board.tables(where),
            where=where,
            css=(WEB / "static" / "agent.css").read_text(encoding="utf-8"),
        )
