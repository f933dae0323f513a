from __future__ import annotations

import asyncio
import threading

from bot.services.broker import LocalBroker


async def test_event_published_from_another_thread_reaches_the_subscriber() -> None:
    broker = LocalBroker()
    async with broker.subscribe("c1") as queue:
        thread = threading.Thread(
            target=broker.publish, args=("c1", {"type": "message", "data": {"text": "hej"}})
        )
        thread.start()
        event = await asyncio.wait_for(queue.get(), 2)
        thread.join()
    assert event["data"]["text"] == "hej"


async def test_other_conversations_do_not_receive_the_event() -> None:
    broker = LocalBroker()
    async with broker.subscribe("c1") as mine, broker.subscribe("c2") as other:
        broker.publish("c1", {"type": "message", "data": {}})
        await asyncio.wait_for(mine.get(), 2)
        assert other.empty()
