"""The statistics the city asked for, as tables: every one is shown, charted and exported as CSV.

All figures come from the summary tables (`bot.stats.rollup`), which outlive the transcripts;
bookings come from the bookings table, which keeps district and time after the personal data
is gone. Each query groups in the database over indexed columns, so a year of data stays fast
(bench/stats.py measures 100,000 conversations).

Usage:
    board = Dashboard(session, titles=lambda article_id: article_id)
    for table in board.tables(StatsFilter(first=date(2026, 11, 1), last=date(2026, 11, 30))):
        print(table.title, table.rows)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.db.models import Booking, DailyTotal
from bot.services.slots import day_bounds
from bot.stats.daily import LOW_CONFIDENCE, WAIT_BUCKET_SECONDS

MAX_DAYS = 400  # a year, and a little
TOP = 15


@dataclass(frozen=True)
class StatsFilter:
    first: date
    last: date
    language: str | None = None
    district: str | None = None

    def query(self) -> dict[str, str]:
        """As URL parameters, for links that keep the filter (CSV, the report)."""
        values = {"from": self.first.isoformat(), "to": self.last.isoformat()}
        values |= {"language": self.language or "", "district": self.district or ""}
        return {key: value for key, value in values.items() if value}


@dataclass
class StatsTable:
    """One table of the dashboard. `chart` names the label and value columns to draw as bars."""

    name: str  # for the CSV file and the page anchor
    title: str
    columns: list[str]
    rows: Sequence[Sequence[Any]]
    chart: tuple[int, int] | None = None
    note: str = ""

    def bars(self) -> list[tuple[str, float, float]]:
        """(label, value, share of the largest value) for the chart."""
        if self.chart is None:
            return []
        label, value = self.chart
        values = [float(row[value] or 0) for row in self.rows]
        top = max(values, default=0) or 1
        return [(str(row[label]), v, v / top) for row, v in zip(self.rows, values, strict=True)]


@dataclass
class Summary:
    """The key figures at the top of the page."""

    conversations: int = 0
    engaged: int = 0  # the citizen wrote at least once
    contained: int = 0
    handoffs: int = 0
    outside_hours: int = 0
    acute: int = 0
    bookings: int = 0
    wait_median: float | None = None
    wait_p90: float | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def minutes(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f} min"


class Dashboard:
    """Reads the statistics for one filter; one method per table."""

    def __init__(self, session: Session, titles: Callable[[str], str]) -> None:
        self.session = session
        self.titles = titles  # article id → its Swedish title

    def tables(self, where: StatsFilter) -> list[StatsTable]:
        return [build(self, where) for build in TABLES.values()]

    def table(self, name: str, where: StatsFilter) -> StatsTable | None:
        build = TABLES.get(name)
        return build(self, where) if build else None

    # -- reading the daily totals -------------------------------------------------------------

    def _totals(self, where: StatsFilter, metrics: tuple[str, ...], *by: Any) -> list[Any]:
        """SUM(value) of these metrics, grouped by the given columns (and the metric)."""
        d = DailyTotal
        query = select(d.metric, *by, func.sum(d.value)).where(
            d.metric.in_(metrics), d.day >= where.first, d.day <= where.last
        )
        if where.language:
            query = query.where(d.language == where.language)
        if where.district:
            query = query.where(d.district == where.district)
        return list(self.session.execute(query.group_by(d.metric, *by)).all())

    def _by_key(self, where: StatsFilter, *metrics: str) -> dict[str, dict[str, int]]:
        """metric → key → total."""
        found: dict[str, dict[str, int]] = {metric: {} for metric in metrics}
        for metric, key, total in self._totals(where, metrics, DailyTotal.key):
            found[metric][key] = int(total)
        return found

    # -- the tables -------------------------------------------------------------------------------

    def summary(self, where: StatsFilter) -> Summary:
        metrics = ("conversations", "engaged", "contained", "wanted_person", "outside_hours",
                   "acute")  # fmt: skip
        totals = {metric: int(total) for metric, total in self._totals(where, metrics)}
        waits = self._by_key(where, "wait_bucket")["wait_bucket"]
        summary = Summary(
            conversations=totals.get("conversations", 0), engaged=totals.get("engaged", 0),
            contained=totals.get("contained", 0), handoffs=totals.get("wanted_person", 0),
            outside_hours=totals.get("outside_hours", 0), acute=totals.get("acute", 0),
            bookings=sum(r[1] for r in self.bookings(where).rows),
            wait_median=_percentile(waits, 0.5), wait_p90=_percentile(waits, 0.9),
        )  # fmt: skip
        summary.figures = [
            ("Samtal", str(summary.conversations)),
            ("Där invånaren skrev något", str(summary.engaged)),
            ("Besvarade utan en person", share(summary.contained, summary.engaged)),
            ("Ville tala med en person", share(summary.handoffs, summary.engaged)),
            ("Väntetid till en person, median", minutes(summary.wait_median)),
            ("Väntetid, 90:e percentilen", minutes(summary.wait_p90)),
            ("Utanför Kontaktcenters öppettider",
             share(summary.outside_hours, summary.conversations)),
            ("Akuta situationer", str(summary.acute)),
            ("Bokade möten", str(summary.bookings)),
        ]  # fmt: skip
        return summary

    def per_day(self, where: StatsFilter) -> StatsTable:
        metrics = ("conversations", "contained", "wanted_person")
        days: dict[date, dict[str, int]] = {}
        for metric, day, total in self._totals(where, metrics, DailyTotal.day):
            days.setdefault(day, {})[metric] = int(total)
        return StatsTable(
            "samtal-per-dag", "Samtal per dag",
            ["dag", "samtal", "besvarade utan person", "ville tala med person"],
            [(day, *(days[day].get(m, 0) for m in metrics)) for day in sorted(days)],
            chart=(0, 1),
        )  # fmt: skip

    def languages(self, where: StatsFilter) -> StatsTable:
        rows = self._totals(where, ("conversations",), DailyTotal.language)
        total = sum(int(r[2]) for r in rows)
        return StatsTable(
            "sprak", "Samtal per språk", ["språk", "samtal", "andel"],
            [(r[1], int(r[2]), share(int(r[2]), total)) for r in _largest(rows)], chart=(0, 1),
        )  # fmt: skip

    def hours(self, where: StatsFilter) -> StatsTable:
        found = self._by_key(where, "hour", "hour_outside")
        hours = sorted(found["hour"], key=int)
        return StatsTable(
            "timmar", "Samtal per timme på dygnet", ["timme", "samtal", "varav utanför öppettid"],
            [(f"{int(h):02d}", found["hour"][h], found["hour_outside"].get(h, 0)) for h in hours],
            chart=(0, 1),
        )  # fmt: skip

    def handoffs(self, where: StatsFilter) -> StatsTable:
        found = self._by_key(where, "handoff", "wait_sum", "waited")
        rows = []
        for result, count in sorted(found["handoff"].items(), key=lambda item: -item[1]):
            waited = found["waited"].get(result, 0)
            wait = found["wait_sum"].get(result, 0) / waited if waited else None
            rows.append((HANDOFF_NAMES.get(result, result), count, minutes(wait)))
        return StatsTable(
            "overlamning", "Önskemål om att tala med en person, och vad som hände",
            ["utfall", "samtal", "medelväntetid"], rows, chart=(0, 1),
        )  # fmt: skip

    def topics(self, where: StatsFilter) -> StatsTable:
        found = self._by_key(where, "topic")["topic"]
        return StatsTable(
            "amnen", "Ämnen som besvarades", ["ämne", "svar"],
            [(topic or "–", n) for topic, n in sorted(found.items(), key=lambda t: -t[1])],
            chart=(0, 1),
        )  # fmt: skip

    def articles(self, where: StatsFilter) -> StatsTable:
        found = self._by_key(where, "answer", "helpful", "not_helpful")
        answers = sorted(found["answer"].items(), key=lambda item: -item[1])[: TOP * 4]
        rows = []
        for article, count in answers:
            yes, no = found["helpful"].get(article, 0), found["not_helpful"].get(article, 0)
            rows.append((article, self.titles(article), count, yes, no, share(yes, yes + no)))
        return StatsTable(
            "artiklar", "Artiklar: hur ofta de gavs och om de hjälpte",
            ["artikel", "rubrik", "svar", "hjälpte", "hjälpte inte", "andel som hjälpte"],
            rows, chart=(1, 2),
            note="Andel som hjälpte: av dem som svarade på frågan om svaret hjälpte.",
        )  # fmt: skip

    def intents(self, where: StatsFilter) -> StatsTable:
        found = self._by_key(where, "intent", "confidence_milli", "low_confidence")
        top = sorted(found["intent"].items(), key=lambda item: -item[1])[: TOP * 2]
        return StatsTable(
            "avsikter", "Vad invånarna ville (avsikter som Rasa kände igen)",
            ["avsikt", "meddelanden", "medelsäkerhet", f"säkerhet under {LOW_CONFIDENCE}"],
            [(intent, n, f"{found['confidence_milli'].get(intent, 0) / 1000 / n:.2f}",
              found["low_confidence"].get(intent, 0)) for intent, n in top],
            chart=(0, 1),
        )  # fmt: skip

    def bookings(self, where: StatsFilter) -> StatsTable:
        b = Booking
        start, end = day_bounds(where.first, where.last)
        query = select(
            b.district, _count(b.status == "booked"), _count(b.status == "cancelled"),
            _count(b.interpreter_language.is_not(None)),
        ).where(b.created_at >= start, b.created_at < end)  # fmt: skip
        if where.language:
            query = query.where(b.language == where.language)
        if where.district:
            query = query.where(b.district == where.district)
        rows = self.session.execute(query.group_by(b.district).order_by(b.district)).all()
        return StatsTable(
            "bokningar", "Bokade möten per stadsdel (bokade under perioden)",
            ["stadsdel", "bokade", "avbokade", "med tolk"], [tuple(r) for r in rows], chart=(0, 1),
        )  # fmt: skip


TABLES: dict[str, Callable[[Dashboard, StatsFilter], StatsTable]] = {
    "samtal-per-dag": Dashboard.per_day,
    "sprak": Dashboard.languages,
    "amnen": Dashboard.topics,
    "artiklar": Dashboard.articles,
    "overlamning": Dashboard.handoffs,
    "bokningar": Dashboard.bookings,
    "timmar": Dashboard.hours,
    "avsikter": Dashboard.intents,
}


def _largest(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: -int(row[-1]))


def _percentile(buckets: dict[str, int], share_below: float) -> float | None:
    """The waiting time (seconds, to the half minute) below which this share of waits fell."""
    total = sum(buckets.values())
    if not total:
        return None
    seen = 0
    for bucket in sorted(buckets, key=int):
        seen += buckets[bucket]
        if seen >= share_below * total:
            return (int(bucket) + 0.5) * WAIT_BUCKET_SECONDS
    return None


HANDOFF_NAMES = {
    "answered": "en person svarade",
    "waiting": "väntar fortfarande",
    "left_queue": "lämnade kön",
    "unavailable": "ingen kunde svara (stängt eller fullt)",
}


def _count(condition: Any) -> Any:
    """How many rows meet the condition (portable: SUM of a CASE)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
