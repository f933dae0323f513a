"""HTTP hardening: security headers on every response and a cap on request bodies.

The widget and pages use no inline scripts or styles, so the Content-Security-Policy can forbid
them; `frame-ancestors` lists the sites allowed to embed the pages (settings).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# FastAPI's interactive docs load their own inline script; they get no CSP.
_NO_CSP_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Adds CSP, nosniff, referrer and permissions policies; refuses oversized bodies (413)."""

    def __init__(self, app: ASGIApp, frame_ancestors: list[str], max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        ancestors = " ".join(["'self'", *frame_ancestors])
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _too_large(send)
            return

        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if not path.startswith(_NO_CSP_PATHS):
                    headers["Content-Security-Policy"] = self.csp
            await send(message)

        await self.app(scope, _capped(receive, self.max_body_bytes), with_headers)


def _capped(receive: Receive, limit: int) -> Receive:
    """Stops reading a body without Content-Length once it passes the limit."""
    seen = 0

    async def read() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                return {"type": "http.disconnect"}
        return message

    return read


async def _too_large(send: Send) -> None:
    body = b'{"error": {"code": "too_large", "message": "The request is too large."}}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
