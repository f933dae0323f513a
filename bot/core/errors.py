"""Errors the API returns, always as `{"error": {"code", "message"}}` with a 4xx/5xx status."""

from __future__ import annotations


class ApiError(Exception):
    """An error the citizen (or client) can act on; `message` is already in their language."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
