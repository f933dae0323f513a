"""Speed of the statistics dashboard with a year of data: 100,000 generated conversations.

    .venvs/app/bin/python bench/stats.py [--conversations 100000] [--databases sqlite postgres]

For each database (a fresh SQLite file; a fresh PostgreSQL database on the machine's server)
it writes a year of conversations as the app records them — messages with intents, catalogue
answers, feedback, unanswered questions, acute flags, handoffs, bookings — then sums them up
(`bot.stats.rollup`, timed), then asks the real app for each dashboard page and CSV export
(five times, logged in as an editor) and prints the median and the slowest time per page.
Then, as in production, the transcripts older than the retention period are purged: the
summaries keep the year. A benchmark, not a test: figures vary with load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.api.staff import COOKIE
from bot.core.config import Settings
from bot.db import migrate
from bot.db.models import Booking, BookingSlot, Conversation, ConversationEvent, Handoff, Message
from bot.db.session import Database
from bot.main import create_app
from bot.services import retention
from bot.services.opening_hours import OpeningHours
from bot.services.staff import StaffAccounts
from bot.stats.rollup import StatsRollup
from tests.integration.clients import PASSWORD
from tests.integration.stack import drop_postgres_database, new_postgres_database

NOW = datetime.now(UTC)
LANGUAGES = (
    ["sv"] * 50
    + ["en"] * 15
    + ["ar"] * 10
    + ["so"] * 6
    + ["fa"] * 5
    + ["ti", "fi", "pl", "uk", "tr", "bs", "es", "kmr"] * 2
)
ARTICLES = [("riksnormen-2026", "norm"), ("ansok-hos-stadsdelsforvaltningen", "ansokan"),
            ("handlingar-till-ansokan", "ansokan"), ("overklaga-beslut", "overklaga"),
            ("hyresskuld-och-vrakning", "boende"), ("socialjouren-akut-hjalp", "akut")]  # fmt: skip
DISTRICTS = [
    "jarva",
    "skarholmen",
    "farsta",
    "sodermalm",
    "hagersten-alvsjo",
    "enskede-arsta-vantor",
]
INTENTS = ["ask_question"] * 6 + ["greet", "contact_person", "book_meeting", "out_of_scope"]
CHUNK = 5000


class YearOfChats:
    """Conversations spread over the last 365 days, written in bulk as the app records them."""

    def __init__(self, database: Database, seed: int = 7) -> None:
        self.database = database
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, not secrets
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.ids = {ConversationEvent: 0, Message: 0, BookingSlot: 0}

    def write(self, count: int) -> None:
        with self.database.session() as session:
            for number in range(count):
                self.conversation()
                if number % CHUNK == CHUNK - 1 or number == count - 1:
                    for model in (Conversation, ConversationEvent, Message, Handoff, BookingSlot,
                                  Booking):  # fmt: skip
                        if self.rows.get(model):
                            session.execute(insert(model), self.rows[model])
                    session.commit()
                    self.rows.clear()

    def add(self, model: Any, **row: Any) -> int:
        """Adds a row; returns its id for tables whose ids are counted here (else 0)."""
        number = 0
        if model in self.ids:
            number = self.ids[model] = self.ids[model] + 1
            row["id"] = number
        self.rows.setdefault(model, []).append(row)
        return number

    def conversation(self) -> None:
        rng = self.rng
        started = NOW - timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 1))
        cid = str(uuid.UUID(int=rng.getrandbits(128)))
        language = rng.choice(LANGUAGES)
        self.add(Conversation, id=cid, token_hash="x" * 64, language=language, state="bot",
                 created_at=started, updated_at=started + timedelta(minutes=5))  # fmt: skip

        def event(event_kind: str, **data: Any) -> None:
            self.add(ConversationEvent, conversation_id=cid, kind=event_kind, data=data,
                     created_at=started)  # fmt: skip

        event("started", language=language)
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            self.add(Message, conversation_id=cid, sender="citizen", text="…", language=language,
                     intent=rng.choice(INTENTS), confidence=rng.uniform(0.3, 1.0), buttons=[],
                     links=[], created_at=started)  # fmt: skip
            article, topic = rng.choice(ARTICLES)
            roll = rng.random()
            if roll < 0.75:
                event("article_answer", article_ids=[article], topic=topic, question="…")
                if rng.random() < 0.3:
                    event("article_feedback", article_id=article, helpful=rng.random() < 0.8)
            elif roll < 0.9:
                event("unanswered", text=f"fråga {rng.randrange(2000)}", language=language)
            else:
                event("article_clarify", article_ids=[article], topic=topic, question="…")
        if rng.random() < 0.01:
            event("acute", kind="violence", via="keyword")
        if rng.random() < 0.12:
            answered = rng.random() < 0.7
            accepted = started + timedelta(seconds=rng.uniform(20, 900)) if answered else None
            self.add(Handoff, conversation_id=cid, status="ended" if answered else "unavailable",
                     reason="asked", priority=False, language=language, requested_at=started,
                     accepted_at=accepted)  # fmt: skip
        if rng.random() < 0.03:
            district = rng.choice(DISTRICTS)
            meeting = started + timedelta(days=7)
            slot = self.add(BookingSlot, district=district, starts_at=meeting, minutes=45)
            self.add(Booking, reference=f"B{slot:07d}", slot_id=slot, district=district,
                     starts_at=meeting, minutes=45, meeting_type="apply", language=language,
                     conversation_id=cid, status="booked", created_at=started,
                     personal_data_deleted=True)  # fmt: skip
            event("booking_made", district=district, meeting_type="apply", interpreter=False)


def time_pages(database_url: str, work: Path) -> list[tuple[str, float, float]]:
    settings = Settings(database_url=database_url, staff_cookie_secure=False)
    with TestClient(create_app(settings)) as client:
        with Database(database_url).session() as session:
            StaffAccounts(session, 5, timedelta(minutes=15), timedelta(hours=8)).create(
                "bench", PASSWORD, "editor", "Bench", ["sv"]
            )
        login = client.post("/agent/api/login", json={"username": "bench", "password": PASSWORD})
        cookie = {"Cookie": f"{COOKIE}={login.cookies[COOKIE]}"}
        year = f"from={(NOW - timedelta(days=364)).date()}&to={NOW.date()}"
        pages = {
            "dashboard, last 30 days": "/admin/stats",
            "dashboard, a year": f"/admin/stats?{year}",
            "dashboard, a year, Arabic": f"/admin/stats?{year}&language=ar",
            "dashboard, a year, Järva": f"/admin/stats?{year}&district=jarva",
            "CSV conversations per day, a year": f"/admin/stats/samtal-per-dag.csv?{year}",
            "CSV articles, a year": f"/admin/stats/artiklar.csv?{year}",
            "inbox (questions embedded once)": "/admin/inbox",
        }
        results = []
        for name, path in pages.items():
            times = []
            for _ in range(6):
                started = time.perf_counter()
                response = client.get(path, headers=cookie)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
            times = times[1:]  # the first call warms caches (and embeds the inbox questions)
            results.append((name, statistics.median(times), max(times)))
        return results


def run(kind: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'bench.db'}" if kind == "sqlite" else new_postgres_database()
        try:
            migrate.upgrade(url)
            database = Database(url)
            started = time.perf_counter()
            YearOfChats(database).write(count)
            generated = time.perf_counter() - started
            rollup = StatsRollup(OpeningHours.load())
            started = time.perf_counter()
            summed = rollup.update(database, NOW + timedelta(hours=1))
            rolled = time.perf_counter() - started
            # As in production: transcripts older than RETENTION_DAYS are gone, the summaries stay.
            started = time.perf_counter()
            purged = retention.purge(database, None, Settings().retention_days, rollup, NOW)
            purging = time.perf_counter() - started
            database.dispose()
            print(f"\n{kind}: {count} conversations written in {generated:.0f} s; "
                  f"{summed} summed up in {rolled:.0f} s ({summed / rolled:.0f}/s); "
                  f"{purged} past the retention period purged in {purging:.0f} s")  # fmt: skip
            print(f"{'page':<40} {'median':>9} {'slowest':>9}")
            for name, median, slowest in time_pages(url, work):
                print(f"{name:<40} {median * 1000:>7.0f} ms {slowest * 1000:>7.0f} ms")
        finally:
            if kind == "postgres":
                drop_postgres_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    arguments = parser.parse_args()
    for kind in arguments.databases:
        run(kind, arguments.conversations)


if __name__ == "__main__":
    main()
