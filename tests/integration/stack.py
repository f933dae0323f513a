"""Starts the real processes — Rasa with the trained model, the action server, the app — on free
ports, the way `bot run` does, and stops them again."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

from bot.core.config import PROJECT_ROOT

BOT = str(PROJECT_ROOT / ".venvs" / "app" / "bin" / "bot")
READY_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Stack:
    """Rasa + action server + app as child processes.

    Usage:
        stack = Stack(database_url, log_dir)
        stack.start()           # waits for /readyz
        httpx.post(f"{stack.url}/api/conversations")
        stack.stop()
    """

    def __init__(
        self, database_url: str, log_dir: Path, ports: dict[str, str] | None = None
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
        }
        self.url = f"http://127.0.0.1:{self.env['PORT']}"
        self.rasa_url = f"http://127.0.0.1:{self.env['RASA_PORT']}"
        self.action_url = f"http://127.0.0.1:{self.env['ACTION_PORT']}"
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in ("rasa", "actions", "serve"):
            log = (self.log_dir / f"{name}.log").open("ab")
            self._processes.append(
                subprocess.Popen(
                    [BOT, name], env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=log
                )
            )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self._processes):
                break
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
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
