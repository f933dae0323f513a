"""Clients of the running system for tests and benchmarks: an agent's console (API session and
WebSocket), a citizen's event stream, and a staff account made with the operator's command."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.integration.stack import BOT, Stack

PASSWORD = "a password of the integration test"
Event = tuple[str, dict[str, Any]]


def create_agent(stack: Stack, username: str, name: str, role: str = "agent") -> None:
    """With the operator's command, as a deployment would."""
    result = subprocess.run(
        [BOT, "users", "create", username, "--role", role, "--name", name,
         "--languages", "sv,en", "--password-stdin"],
        input=PASSWORD + "\n", env=stack.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


class Console:
    """An agent's console on one app process: its API session and its WebSocket."""

    def __init__(self, url: str, username: str) -> None:
        self.http = httpx.Client(base_url=f"{url}/agent/api", timeout=30)
        login = self.http.post("/login", json={"username": username, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.socket: ClientConnection = connect(
            url.replace("http://", "ws://") + "/agent/ws",
            additional_headers={"Cookie": cookie},
        )
        assert self.next("hello") == {}

    def next(self, kind: str, key: str | None = None, timeout: float = 15) -> dict[str, Any]:
        """The next event of this kind (that has `key` in its data, if given), skipping others
        (queue changes arrive all the time on a busy console)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            event = json.loads(self.socket.recv(timeout=left))
            if event["type"] == kind and (key is None or key in event["data"]):
                return dict(event["data"])
        raise AssertionError(f"no {kind} event within {timeout} s")

    def close(self) -> None:
        self.socket.close()
        self.http.post("/logout")
        self.http.close()


class CitizenStream:
    """The citizen's server-sent events from one app process, read in a thread."""

    def __init__(self, url: str, conversation: dict[str, Any]) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self._url = f"{url}/api/conversations/{conversation['conversation_id']}/events"
        self._token = conversation["token"]
        self._connected = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self._connected.wait(15)

    def _read(self) -> None:
        headers = {"Authorization": f"Bearer {self._token}"}
        timeout = httpx.Timeout(10, read=60)  # the server sends a keep-alive every 15 s
        try:
            with httpx.stream("GET", self._url, headers=headers, timeout=timeout) as response:
                kind = ""
                for line in response.iter_lines():
                    if line.startswith(": connected"):
                        self._connected.set()
                    elif line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        self.events.put((kind, json.loads(line[6:])))
        except httpx.HTTPError:  # the server stopped: the stream ends with it
            return

    def next(self, kind: str, timeout: float = 15) -> dict[str, Any]:
        while True:
            got, data = self.events.get(timeout=timeout)
            if got == kind:
                return data
