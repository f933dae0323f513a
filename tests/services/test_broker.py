from __future__ import annotations

import asyncio
import threading
import uuid

import pytest

from bot.services.broker import STAFF, LocalBroker, RedisBroker
from tests.conftest import REDIS_URL


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


async def test_redis_carries_an_event_from_one_app_process_to_another() -> None:
    prefix = f"guiderum-test-{uuid.uuid4().hex[:8]}"
    citizen_side, agent_side = RedisBroker(REDIS_URL, prefix), RedisBroker(REDIS_URL, prefix)
    try:
        async with agent_side.subscribe(STAFF) as staff, agent_side.subscribe("c1") as c1:
            citizen_side.publish(STAFF, {"type": "message", "data": {"text": "hej", "n": 1}})
            event = await asyncio.wait_for(staff.get(), 5)
            assert event == {"type": "message", "data": {"text": "hej", "n": 1}}
            assert c1.empty()  # another key: not delivered
    finally:
        citizen_side.close()
        agent_side.close()


async def test_another_deployment_on_the_same_redis_hears_nothing() -> None:
    ours = RedisBroker(REDIS_URL, f"guiderum-test-{uuid.uuid4().hex[:8]}")
    theirs = RedisBroker(REDIS_URL, f"guiderum-test-{uuid.uuid4().hex[:8]}")
    try:
        async with theirs.subscribe(STAFF) as queue:
            ours.publish(STAFF, {"type": "queue_changed", "data": {}})
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(queue.get(), 0.5)
    finally:
        ours.close()
        theirs.close()
