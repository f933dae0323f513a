"""Starts the real processes — Rasa with the trained model, the action server, the app — on free
ports, the way `bot run` does, and stops them again."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg
import yaml

from bot.core.config import PROJECT_ROOT

BOT = str(PROJECT_ROOT / ".venvs" / "app" / "bin" / "bot")
POSTGRES_ADMIN = "postgresql://127.0.0.1:5432/postgres"
READY_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Stack:
    """Rasa + action server + one or more app processes as child processes.

    Usage:
        stack = Stack(database_url, log_dir, apps=2, env={"REDIS_URL": "redis://…"})
        stack.start()           # waits for /readyz of every app
        httpx.post(f"{stack.url}/api/conversations")   # stack.urls[1]: the second app
        stack.stop()
    """

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        ports: dict[str, str] | None = None,
        apps: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.log_dir = log_dir
        self.ports = ports or {
            name: str(free_port()) for name in ("PORT", "RASA_PORT", "ACTION_PORT")
        }
        self.env = {
            **os.environ,
            **self.ports,
            "DATABASE_URL": database_url,
            "INTERNAL_TOKEN": "integration-test-secret",
            "RASA_TELEMETRY_ENABLED": "false",
            "CLIENT_REQUESTS_PER_MINUTE": "10000",  # every test client is 127.0.0.1
            **(env or {}),
        }
        self.url = f"http://127.0.0.1:{self.env['PORT']}"
        # Further app processes share Rasa, the database and (with REDIS_URL) the events.
        self.extra_ports = [str(free_port()) for _ in range(apps - 1)]
        self.urls = [self.url] + [f"http://127.0.0.1:{port}" for port in self.extra_ports]
        self.rasa_url = f"http://127.0.0.1:{self.env['RASA_PORT']}"
        self.action_url = f"http://127.0.0.1:{self.env['ACTION_PORT']}"
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        commands = [("rasa", self.env), ("actions", self.env), ("serve", self.env)]
        commands += [("serve", {**self.env, "PORT": port}) for port in self.extra_ports]
        for number, (name, env) in enumerate(commands):
            log = (self.log_dir / f"{number}-{name}.log").open("ab")
            self._processes.append(
                subprocess.Popen([BOT, name], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
            )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self._processes):
                break
            if all(_ready(url) for url in self.urls):
                return
            time.sleep(1)
        self.stop()
        logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in self.log_dir.glob("*.log"))
        raise RuntimeError(f"the stack did not become ready; logs:\n{logs}")

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self._processes.clear()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


REDIS_URL = "redis://127.0.0.1:6379/0"


def new_postgres_database() -> str:
    name = f"guiderum_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def always_open_hours(directory: Path) -> Path:
    """bot/opening_hours.yml, plus yesterday, today and tomorrow open all day: the real
    system's tests must find the contact centre open whenever they run."""
    raw = yaml.safe_load((PROJECT_ROOT / "bot" / "opening_hours.yml").read_text())
    today = datetime.now(ZoneInfo(raw["timezone"])).date()
    days = {today + timedelta(days=offset) for offset in (-1, 0, 1)}
    raw["extra_closed"] = [d for d in raw.get("extra_closed") or [] if d not in days]
    raw["extra_open"] = [
        {"date": day.isoformat(), "opens": "00:00", "closes": "23:59"} for day in sorted(days)
    ]
    path = directory / "opening_hours.yml"
    path.write_text(yaml.safe_dump(raw))
    return path
