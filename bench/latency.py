"""Latency of `POST /api/conversations/{id}/messages` and memory of each process.

Runs against a running system (`make run` in another terminal):

    .venvs/app/bin/python bench/latency.py [--url http://127.0.0.1:8000]

- 200 sequential messages in one conversation at a time (10 conversations x 20 messages);
- 200 concurrent messages: 20 conversations, each sending 10 messages one after another,
  all 20 at once.
Prints p50/p95 in milliseconds and the resident memory (RSS) of the app, Rasa and the action
server. Benchmarks are not tests: the figures vary with the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

MESSAGES = ["hej", "vad kan du hjälpa till med", "är du en robot", "tack", "hur söker jag bygglov"]
PROCESSES = {
    "app (bot serve)": ("bot", "serve"),
    "rasa server": ("rasa", "run", "--enable-api"),
    "action server": ("rasa_sdk",),
}


def conversation(client: httpx.Client) -> tuple[str, dict[str, str]]:
    started = client.post("/api/conversations", json={"language": "sv"}).json()
    return started["conversation_id"], {"Authorization": f"Bearer {started['token']}"}


def timed_messages(url: str, count: int) -> list[float]:
    with httpx.Client(base_url=url, timeout=60) as client:
        conversation_id, headers = conversation(client)
        durations = []
        for i in range(count):
            start = time.perf_counter()
            response = client.post(
                f"/api/conversations/{conversation_id}/messages",
                json={"text": MESSAGES[i % len(MESSAGES)]}, headers=headers,
            )  # fmt: skip
            durations.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        return durations


def percentiles(durations: list[float]) -> str:
    q = statistics.quantiles(durations, n=100)
    return f"n={len(durations)}  p50={statistics.median(durations):.0f} ms  p95={q[94]:.0f} ms"


def rss_by_process() -> dict[str, float]:
    found: dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        for name, markers in PROCESSES.items():
            if all(marker in cmdline for marker in markers):
                kib = next(
                    int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
                )
                found[name] = max(found.get(name, 0.0), kib / 1024)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    url = parser.parse_args().url
    timed_messages(url, 5)  # warm-up

    sequential = [d for _ in range(10) for d in timed_messages(url, 20)]
    print("sequential :", percentiles(sequential))

    with ThreadPoolExecutor(max_workers=20) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda _: timed_messages(url, 10), range(20)))
        wall = time.perf_counter() - started
    concurrent = [d for batch in results for d in batch]
    print("concurrent :", percentiles(concurrent), f" ({len(concurrent) / wall:.1f} messages/s)")

    for name, mib in rss_by_process().items():
        print(f"RSS {name:<16}: {mib:.0f} MiB")


if __name__ == "__main__":
    main()
