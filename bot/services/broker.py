"""Real-time delivery of conversation events to whoever is listening (the citizen's widget).

Messages that arrive outside a request/response cycle (a person's reply, a queue position)
are published here and streamed to the widget over server-sent events. This in-process
broker serves one app process; a Redis-backed broker with the same methods will serve several.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


class LocalBroker:
    """Fan-out to subscribers in this process; `publish` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Any]]]] = (
            defaultdict(set)
        )

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            subscribers = list(self._queues.get(conversation_id, ()))
        for loop, queue in subscribers:
            loop.call_soon_threadsafe(queue.put_nowait, event)

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[asyncio.Queue[Any]]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[Any]())
        with self._lock:
            self._queues[conversation_id].add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._queues[conversation_id].discard(entry)
                if not self._queues[conversation_id]:
                    del self._queues[conversation_id]
