"""Latency of chats held by people: citizen → agent's console → citizen, 20 chats at once.

Starts its own system — the trained Rasa model, the action server and two app processes on a
fresh PostgreSQL database, meeting through the machine's Redis — with the contact centre open:

    .venvs/app/bin/python bench/handoff.py [--chats 20] [--rounds 10]

The citizens use the first app process (API + server-sent events), the agents the second
(API + WebSocket), so every message crosses processes through Redis pub/sub. Each of the 20
citizens asks for a person and gets their own agent; then, all 20 pairs at once, a citizen
sends a message, the agent's console receives it over the WebSocket and the agent answers at
once, and the citizen receives the answer on the event stream. Prints p50/p95 (ms) of each leg
and of the round trip. A benchmark, not a test: figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import migrate
from bot.db.session import Database
from bot.services.staff import StaffAccounts
from tests.integration.clients import PASSWORD, CitizenStream, Console
from tests.integration.stack import (
    REDIS_URL,
    Stack,
    always_open_hours,
    drop_postgres_database,
    new_postgres_database,
)


class Pair:
    """One citizen (first process) and the agent holding their chat (second process)."""

    def __init__(self, stack: Stack, number: int) -> None:
        self.console = Console(stack.urls[1], f"bench{number}")
        self.console.http.put("/me/status", json={"status": "online"})
        self.citizen = httpx.Client(base_url=stack.urls[0], timeout=60)
        started = self.citizen.post("/api/conversations", json={"language": "sv"}).json()
        self.citizen.headers["Authorization"] = f"Bearer {started['token']}"
        self.id = started["conversation_id"]
        self.stream = CitizenStream(stack.urls[0], started)

    def hand_over(self) -> None:
        self.citizen.post(self.path, json={"payload": "/contact_person"}).raise_for_status()
        self.console.http.post(f"/chats/{self.id}/accept").raise_for_status()
        self.stream.next("handoff")  # queued … agent: drain the events of the handover

    @property
    def path(self) -> str:
        return f"/api/conversations/{self.id}/messages"

    def round_trip(self, number: int) -> tuple[float, float]:
        """(citizen → console, console → citizen) in milliseconds."""
        # Words, not ids: long digit runs would be redacted as phone numbers before relaying.
        question, answer = f"fråga nummer {number} om hyran", f"svar nummer {number}"
        start = time.perf_counter()
        self.citizen.post(self.path, json={"text": question}).raise_for_status()
        while self.console.next("message")["message"]["text"] != question:
            pass
        seen = time.perf_counter()
        self.console.http.post(f"/chats/{self.id}/messages", json={"text": answer})
        while self.stream.next("message")["text"] != answer:
            pass
        back = time.perf_counter()
        return (seen - start) * 1000, (back - seen) * 1000

    def close(self) -> None:
        self.console.close()
        self.citizen.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="guiderum-bench-"))
    url = new_postgres_database()
    migrate.upgrade(url)
    database = Database(url)
    with database.session() as session:
        accounts = StaffAccounts(session, 5, timedelta(minutes=15), timedelta(hours=8))
        for number in range(args.chats):
            accounts.create(f"bench{number}", PASSWORD, "agent", f"Agent {number}", ["sv"])
    database.dispose()
    env = {
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": f"guiderum-bench-{uuid.uuid4().hex[:8]}",
        "OPENING_HOURS_PATH": str(always_open_hours(directory)),
        "STAFF_COOKIE_SECURE": "false",
        "MAX_QUEUE": str(args.chats),
    }
    stack = Stack(url, directory / "logs", apps=2, env=env)
    print(f"starting Rasa, the action server and two app processes (logs in {directory}) …")
    stack.start()
    pairs: list[Pair] = []
    try:
        pairs = [Pair(stack, number) for number in range(args.chats)]
        for pair in pairs:
            pair.hand_over()
        print(f"{len(pairs)} chats held by as many agents; {args.rounds} rounds each, all at once")

        def rounds(pair: Pair) -> list[tuple[float, float]]:
            return [pair.round_trip(number) for number in range(args.rounds)]

        with ThreadPoolExecutor(len(pairs)) as pool:
            results = [leg for legs in pool.map(rounds, pairs) for leg in legs]
    finally:
        for pair in pairs:
            pair.close()
        stack.stop()
        drop_postgres_database(url)

    inbound = [to_console for to_console, _ in results]
    outbound = [to_citizen for _, to_citizen in results]
    total = [a + b for a, b in results]
    print(f"\n{len(results)} round trips")
    print(f"{'leg':<40} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in (
        ("citizen message -> agent console", inbound),
        ("agent reply -> citizen widget", outbound),
        ("round trip (citizen -> agent -> citizen)", total),
    ):
        print(f"{name:<40} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f}")


if __name__ == "__main__":
    main()
