"""The action server's only way to the application: its internal HTTP API on loopback."""

from __future__ import annotations

import os
from typing import Any

import aiohttp


class AppClient:
    """Calls `/internal/...` on the app with the shared token.

    Usage:
        app = AppClient.from_environment()
        counts = await app.post("/internal/conversations/abc/unanswered", {"text": "hm"})
    """

    def __init__(self, base_url: str, token: str, timeout_seconds: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    @classmethod
    def from_environment(cls) -> AppClient:
        return cls(
            os.environ.get("GUIDERUM_APP_URL", "http://127.0.0.1:8000"),
            os.environ.get("INTERNAL_TOKEN", ""),
        )

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession(timeout=self.timeout) as session,
            session.post(
                f"{self.base_url}{path}", json=body, params={"token": self.token}
            ) as response,
        ):
            response.raise_for_status()
            result: dict[str, Any] = await response.json()
            return result
