"""Real-time delivery of events to whoever is listening: citizens' widgets and agents' consoles.

Messages that arrive outside a request/response cycle (a person's reply, a queue position, a
chat starting to wait) are published under a key — a conversation id for the citizen's widget
(server-sent events), `STAFF` for the agents' consoles (WebSocket). With one app process the
in-process `LocalBroker` is enough; with `REDIS_URL` set, `RedisBroker` sends every event
through Redis pub/sub so a citizen and an agent connected to different processes still meet.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)
STAFF = "staff"  # the key the agents' consoles listen to
Event = dict[str, Any]  # {"type": "message", "data": {...}}


class Broker(Protocol):
    def publish(self, key: str, event: Event) -> None: ...

    def subscribe(self, key: str) -> AbstractAsyncContextManager[asyncio.Queue[Event]]: ...

    def close(self) -> None: ...


class LocalBroker:
    """Fan-out to subscribers in this process; `publish` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]] = (
            defaultdict(set)
        )

    def publish(self, key: str, event: Event) -> None:
        with self._lock:
            subscribers = list(self._queues.get(key, ()))
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # the subscriber's loop has closed; it unsubscribes itself
                continue

    @asynccontextmanager
    async def subscribe(self, key: str) -> AsyncIterator[asyncio.Queue[Event]]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[Event]())
        with self._lock:
            self._queues[key].add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._queues[key].discard(entry)
                if not self._queues[key]:
                    del self._queues[key]

    def close(self) -> None:
        """Nothing to release; here so both brokers can be closed alike."""


class RedisBroker:
    """Events through Redis pub/sub, delivered to this process's subscribers by one listener.

    Usage:
        broker = RedisBroker("redis://127.0.0.1:6379/0", "guiderum")  # subscribes now
        broker.publish("staff", {"type": "queue_changed", "data": {}})
        async with broker.subscribe("staff") as queue: event = await queue.get()
        broker.close()
    """

    def __init__(self, url: str, prefix: str = "guiderum") -> None:
        self.prefix = f"{prefix}:"
        self._redis = redis.Redis.from_url(url)
        self._local = LocalBroker()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
        self._pubsub.psubscribe(**{f"{self.prefix}*": self._deliver})
        # Wait for Redis to confirm the subscription: events published from now on arrive.
        deadline = time.monotonic() + 5
        while not self._pubsub.subscribed and time.monotonic() < deadline:
            self._pubsub.get_message(timeout=0.1)
        if not self._pubsub.subscribed:
            raise ConnectionError(f"could not subscribe to Redis at {url}")
        self._thread = self._pubsub.run_in_thread(
            sleep_time=1.0, daemon=True, exception_handler=self._on_error
        )

    def publish(self, key: str, event: Event) -> None:
        self._redis.publish(f"{self.prefix}{key}", json.dumps(event, default=str))

    def subscribe(self, key: str) -> AbstractAsyncContextManager[asyncio.Queue[Event]]:
        return self._local.subscribe(key)

    def close(self) -> None:
        self._thread.stop()
        self._pubsub.close()
        self._redis.close()

    def _deliver(self, message: dict[str, Any]) -> None:
        channel = message["channel"].decode()
        self._local.publish(channel.removeprefix(self.prefix), json.loads(message["data"]))

    @staticmethod
    def _on_error(error: BaseException, _pubsub: Any, _thread: Any) -> None:
        # redis-py reconnects and subscribes again on the next read; wait a little first.
        log.warning("Redis pub/sub: %s; retrying", error)
        time.sleep(1.0)


def build_broker(redis_url: str, prefix: str) -> Broker:
    return RedisBroker(redis_url, prefix) if redis_url else LocalBroker()
