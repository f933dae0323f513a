"""The editors' inbox: questions the assistant answered badly, grouped by what they ask.

The same question comes in many wordings and languages; editors fix it once. Questions are
grouped on the multilingual e5 embeddings (the ones the catalogue search uses), so "hur mycket
får jag" and "how much money do I get" land in one group. A group is closed by what the editor
did with it (`RESOLUTIONS`), and leaves the inbox.

Usage:
    inbox = Inbox(session, embedder)
    for group in inbox.groups():
        print(group.count, group.languages, group.texts[:3])
    inbox.resolve([12, 15], "out_of_scope", "anna", now)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import numpy as np
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.catalogue.embeddings import Embedder, Vectors
from bot.db.models import InboxQuestion

SAME_QUESTION = 0.86  # mean cosine similarity of e5 query vectors; see tests/stats/test_inbox.py
MAX_OPEN = 2000  # the newest open questions are grouped; older ones wait their turn
RESOLUTIONS = ("article_question", "nlu_example", "out_of_scope", "draft_article")
REASON_NAMES = {
    "unanswered": "inget svar", "clarify": "osäkert svar", "not_helpful": "hjälpte inte"
}  # fmt: skip


@dataclass
class QuestionGroup:
    """Questions that ask the same thing, newest first."""

    questions: list[InboxQuestion]

    @property
    def event_ids(self) -> list[int]:
        return [q.event_id for q in self.questions]

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def texts(self) -> list[str]:
        """Each wording once."""
        return list(dict.fromkeys(q.text for q in self.questions))

    @property
    def languages(self) -> list[tuple[str, int]]:
        return Counter(q.language for q in self.questions).most_common()

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return Counter(REASON_NAMES[q.reason] for q in self.questions).most_common()

    @property
    def articles(self) -> list[str]:
        """Articles that were given but did not help."""
        return list(dict.fromkeys(q.article_id for q in self.questions if q.article_id))


class Inbox:
    """Reads, groups and closes the open questions."""

    def __init__(self, session: Session, embedder: Embedder) -> None:
        self.session = session
        self.embedder = embedder

    def open_questions(self) -> list[InboxQuestion]:
        return list(
            self.session.scalars(
                select(InboxQuestion)
                .where(InboxQuestion.status == "open")
                .order_by(InboxQuestion.asked_at.desc(), InboxQuestion.event_id.desc())
                .limit(MAX_OPEN)
            )
        )

    def groups(self) -> list[QuestionGroup]:
        """The open questions in groups, the largest first.

        Each question joins the group it is most similar to on average (average linkage: one
        outlier cannot pull a group towards another subject), or starts a new one.
        """
        questions = self.open_questions()
        if not questions:
            return []
        vectors = np.stack(self._vectors(questions))
        totals = np.zeros_like(vectors)  # row g: the sum of group g's vectors
        sizes = np.zeros(len(questions))
        members: list[list[InboxQuestion]] = []
        for question, vector in zip(questions, vectors, strict=True):
            count = len(members)
            mean_similarity = totals[:count] @ vector / np.maximum(sizes[:count], 1)
            best = int(np.argmax(mean_similarity)) if count else -1
            if best < 0 or mean_similarity[best] < SAME_QUESTION:
                best = count
                members.append([])
            members[best].append(question)
            totals[best] += vector
            sizes[best] += 1
        return sorted((QuestionGroup(m) for m in members), key=lambda g: -g.count)

    def resolve(self, event_ids: list[int], resolution: str, by: str, now: datetime) -> int:
        """Closes these open questions; returns how many were still open."""
        if resolution not in RESOLUTIONS:
            raise ValueError(f"unknown resolution {resolution!r}")
        result = self.session.execute(
            update(InboxQuestion)
            .where(InboxQuestion.event_id.in_(event_ids), InboxQuestion.status == "open")
            .values(status="done", resolution=resolution, resolved_by=by, resolved_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _vectors(self, questions: list[InboxQuestion]) -> list[Vectors]:
        """Embeds the questions that have no vector yet, and stores the vectors (a plain UPDATE:
        the daily purge may delete some of these rows meanwhile, which is fine)."""
        missing = [q for q in questions if q.vector is None]
        if missing:
            vectors = self.embedder.queries([q.text for q in missing])
            table = cast(Table, InboxQuestion.__table__)
            rows = []
            for question, vector in zip(missing, vectors, strict=True):
                stored = np.asarray(vector, dtype=np.float32).tobytes()
                set_committed_value(question, "vector", stored)
                rows.append({"id": question.event_id, "stored": stored})
            self.session.execute(
                update(table)
                .where(table.c.event_id == bindparam("id"))
                .values(vector=bindparam("stored")),
                rows,
            )
            self.session.commit()
        return [self._vector(q) for q in questions]

    @staticmethod
    def _vector(question: InboxQuestion) -> Vectors:
        return np.frombuffer(question.vector or b"", dtype=np.float32)
