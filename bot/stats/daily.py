"""Daily totals (`stats_daily`): what the dashboard sums, per day, language and district.

A year of conversations summed per page would scan hundreds of thousands of rows a dozen times;
the totals per day hold the same numbers in a few thousand rows per metric. They are computed
in the database (INSERT … SELECT … GROUP BY) from the summary tables, for the days a rollup
touched, so they always agree with the summaries.

Metrics (key in brackets, empty where there is none):
    conversations, engaged, contained, wanted_person, outside_hours, acute, callback
    hour [hour of day], hour_outside [hour of day]
    handoff [result], wait_sum [result], waited [result], wait_bucket [half-minutes waited]
    answer, clarify, helpful, not_helpful [article id], topic [topic id]
    intent, confidence_milli, low_confidence [intent]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, String, cast, delete, func, insert, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from bot.db.batches import batches
from bot.db.models import ArticleFact, ConversationFacts, DailyTotal, IntentFact

LOW_CONFIDENCE = 0.5
WAIT_BUCKET_SECONDS = 30
COLUMNS = ["metric", "day", "language", "district", "key", "value"]
EMPTY: ColumnClause[str] = literal_column("''")  # no district, no key


def refresh_days(session: Session, days: Iterable[date]) -> None:
    """Recomputes the totals of these days from the summary tables (same transaction)."""
    for batch in batches(sorted(set(days))):
        session.execute(delete(DailyTotal).where(DailyTotal.day.in_(batch)))
        for query in _totals(batch):
            session.execute(insert(DailyTotal).from_select(COLUMNS, query))


def _totals(days: list[date]) -> list[Select[Any]]:
    f = ConversationFacts
    where = f.day.in_(days)
    district = func.coalesce(f.district, EMPTY)
    flag_condition = {
        "engaged": f.citizen_messages > 0, "contained": f.contained,
        "wanted_person": f.handoff.is_not(None), "outside_hours": f.outside_hours,
        "acute": f.acute.is_not(None), "callback": f.callback,
    }  # fmt: skip

    def grouped(metric: str, key: Any, value: Any, *conditions: Any, join: Any = None) -> Any:
        # Constants inline, not as parameters: PostgreSQL must see that the grouped
        # expressions in SELECT and GROUP BY are the same.
        query = select(literal_column(f"'{metric}'"), f.day, f.language, district, key, value)
        if join is not None:
            query = query.select_from(join[0]).join(f, f.conversation_id == join[0].conversation_id)
        by = [f.day, f.language, district] + ([] if key is EMPTY else [key])
        return query.where(where, *conditions).group_by(*by)

    hour = cast(f.hour, String)
    a, i = ArticleFact, IntentFact
    queries = [grouped("conversations", EMPTY, func.count())]
    queries += [
        grouped(name, EMPTY, func.count(), condition) for name, condition in flag_condition.items()
    ]
    queries += [
        grouped("hour", hour, func.count()),
        grouped("hour_outside", hour, func.count(), f.outside_hours),
        grouped("handoff", f.handoff, func.count(), f.handoff.is_not(None)),
        grouped("wait_sum", f.handoff, func.sum(f.handoff_wait_seconds),
                f.handoff_wait_seconds.is_not(None)),
        grouped("waited", f.handoff, func.count(), f.handoff_wait_seconds.is_not(None)),
        grouped("wait_bucket", cast(f.handoff_wait_seconds // WAIT_BUCKET_SECONDS, String),
                func.count(), f.handoff_wait_seconds.is_not(None)),
    ]  # fmt: skip
    queries += [
        grouped(kind, a.article_id, func.count(), a.kind == kind, join=(a,))
        for kind in ("answer", "clarify", "helpful", "not_helpful")
    ]
    queries += [
        grouped("topic", func.coalesce(a.topic, EMPTY), func.count(), a.kind == "answer",
                join=(a,)),
        grouped("intent", i.intent, func.count(), join=(i,)),
        grouped("confidence_milli", i.intent,
                cast(func.sum(func.coalesce(i.confidence, 0) * 1000), Integer), join=(i,)),
        grouped("low_confidence", i.intent, func.count(), i.confidence < LOW_CONFIDENCE,
                join=(i,)),
    ]  # fmt: skip
    return queries
