"""The editors' inbox groups questions that ask the same thing, on the real e5 embeddings, and
a closed group leaves the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.catalogue.embeddings import E5Embedder
from bot.db.models import Base, InboxQuestion
from bot.db.session import Database
from bot.stats.inbox import Inbox

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BUS = ["får jag pengar till busskort", "kan soc betala mitt SL-kort", "busskort bistånd"]
GLASSES = ["hur mycket får man för glasögon", "pengar till glasögon", "can I get money for glasses"]
RENT = [
    "min hyra är sen vad gör jag",
    "jag har inte råd med hyran",
    "får jag hjälp med hyran om den är sen",
]
POOL = ["när öppnar simhallen"]


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    database = Database(database_url)
    Base.metadata.create_all(database.engine)
    with database.session() as session:
        yield session
    database.dispose()


def ask(session: Session, texts: list[str]) -> None:
    """Unanswered questions, one minute apart, in the order given."""
    for number, text in enumerate(texts, start=1):
        session.add(InboxQuestion(
            event_id=number, conversation_id=f"c{number}", asked_at=NOW + timedelta(minutes=number),
            language="en" if text.startswith("can") else "sv", text=text,
            reason="unanswered", status="open",
        ))  # fmt: skip
    session.commit()


def test_questions_about_the_same_thing_are_one_group(session: Session) -> None:
    ask(session, BUS + GLASSES + RENT + POOL)

    groups = Inbox(session, E5Embedder()).groups()

    as_sets = [set(g.texts) for g in groups]
    assert set(BUS) in as_sets
    assert set(RENT) in as_sets
    assert set(POOL) in as_sets
    glasses = next(g for g in groups if GLASSES[0] in g.texts)
    assert set(GLASSES) == set(glasses.texts)  # the English wording joins the Swedish ones
    assert dict(glasses.languages) == {"sv": 2, "en": 1}
    assert groups[0].count == 3  # the largest first


def test_a_closed_group_leaves_the_inbox_and_keeps_who_closed_it(session: Session) -> None:
    ask(session, BUS + POOL)
    inbox = Inbox(session, E5Embedder())
    pool = next(g for g in inbox.groups() if POOL[0] in g.texts)

    assert inbox.resolve(pool.event_ids, "out_of_scope", "anna", NOW) == 1
    assert inbox.resolve(pool.event_ids, "out_of_scope", "bo", NOW) == 0  # already done
    assert all(POOL[0] not in g.texts for g in inbox.groups())
    closed = session.get(InboxQuestion, pool.event_ids[0])
    assert closed is not None
    assert (closed.resolution, closed.resolved_by) == (
        "out_of_scope",
        "anna",
    )
