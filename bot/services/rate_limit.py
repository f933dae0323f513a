"""Rate limits per conversation and per client, so one sender cannot flood the assistant.

A sliding window of recent request times per key, in this process. Several app processes
would share limits through Redis (handoff issue); per process it already stops a runaway
client or script.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` events per `window` seconds per key.

    Usage:
        limiter = RateLimiter(limit=20, window=60)
        wait = limiter.hit("conversation:abc")   # 0 when allowed, else seconds to wait
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._events: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str) -> int:
        """Records an event; returns 0 if allowed, else whole seconds until one would be."""
        now = self._clock()
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window - now))
            events.append(now)
            if len(self._events) > 100_000:  # forget idle keys so memory stays bounded
                self._forget_idle(now)
            return 0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]
