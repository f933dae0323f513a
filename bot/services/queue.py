"""The queue of chats waiting for a person: its order, a citizen's place in it, the wait.

Order: acute chats first (priority), then by how long they have waited. A citizen's estimated
wait is their position times the usual length of a chat (the median of the last 50 chats with
a person; `minutes_per_chat` until there are ten) divided by the agents online. It is a rough
figure and said to be one ("about").

Usage:
    queue = Queue(session, QueueRules(15, 8.0, timedelta(seconds=60), timedelta(seconds=90)))
    queue.position(handoff)                 # 1 = next
    wait_minutes(1, queue.minutes_per_position(now))   # e.g. 8 (minutes, for place 1)
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Handoff, User, as_utc

# Who can take chats: agents, and administrators who are also on the floor.
CHAT_ROLES = ("agent", "admin")
_MEASURED_CHATS = 50
_MIN_MEASURED = 10


@dataclass(frozen=True)
class QueueRules:
    max_waiting: int
    minutes_per_chat: float
    language_first: timedelta  # a chat is offered first to agents who speak its language
    agent_seen: timedelta  # an online agent not heard from for longer counts as away


class Queue:
    def __init__(self, session: Session, rules: QueueRules) -> None:
        self.session = session
        self.rules = rules

    def waiting(self) -> list[Handoff]:
        return list(
            self.session.scalars(
                select(Handoff)
                .where(Handoff.status == "waiting")
                .order_by(Handoff.priority.desc(), Handoff.requested_at, Handoff.id)
            )
        )

    def length(self) -> int:
        return int(
            self.session.scalar(select(func.count(Handoff.id)).where(Handoff.status == "waiting"))
            or 0
        )

    def position(self, handoff: Handoff) -> int:
        """1 = next; the queue is short (at most `max_waiting`), so it is read whole."""
        ids = [waiting.id for waiting in self.waiting()]
        return ids.index(handoff.id) + 1 if handoff.id in ids else len(ids) + 1

    def agents_online(self, now: datetime) -> list[User]:
        return list(
            self.session.scalars(
                select(User).where(
                    User.active.is_(True),
                    User.role.in_(CHAT_ROLES),
                    User.status == "online",
                    User.last_seen_at >= now - self.rules.agent_seen,
                )
            )
        )

    def minutes_per_position(self, now: datetime) -> float:
        """How much each place in the queue adds to the wait (read once for a whole queue)."""
        return self.minutes_per_chat() / max(1, len(self.agents_online(now)))

    def minutes_per_chat(self) -> float:
        recent = self.session.execute(
            select(Handoff.accepted_at, Handoff.ended_at)
            .where(Handoff.accepted_at.is_not(None), Handoff.ended_at.is_not(None))
            .order_by(Handoff.ended_at.desc())
            .limit(_MEASURED_CHATS)
        ).all()
        minutes = [
            (as_utc(ended) - as_utc(accepted)).total_seconds() / 60
            for accepted, ended in recent
            if accepted is not None and ended is not None
        ]
        if len(minutes) < _MIN_MEASURED:
            return self.rules.minutes_per_chat
        return statistics.median(minutes)

    def offered_to(self, handoff: Handoff, agent: User, online: list[User], now: datetime) -> bool:
        """Whether this agent should be alerted to the chat now: it is acute, in a language they
        speak, nobody online speaks it, or it has waited past the language-first window."""
        if handoff.priority or speaks(agent, handoff.language):
            return True
        if not any(speaks(other, handoff.language) for other in online):
            return True
        return now - as_utc(handoff.requested_at) >= self.rules.language_first


def wait_minutes(position: int, minutes_per_position: float) -> int:
    return max(1, math.ceil(position * minutes_per_position))


def speaks(agent: User, language: str) -> bool:
    """Easy Swedish (sv-x-easy) is Swedish to an agent."""
    return language.split("-")[0] in agent.languages
