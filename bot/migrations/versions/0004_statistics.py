"""Statistics that outlive the transcripts, the editors' inbox of unanswered questions, and
Rasa retraining jobs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)
COUNTS = ("citizen_messages", "answers", "clarifications", "unanswered", "helpful", "not_helpful")
COUNTS = ("citizen_messages", "answers", "clarifications", "unanswered", "helpful", "not_helpful")


def _required(name: str, kind: sa.types.TypeEngine[object] | type) -> sa.Column[object]:
    return sa.Column(name, kind, nullable=False)


def upgrade() -> None:
    op.create_table(
        "stats_conversations",
        sa.Column("conversation_id", sa.String(36), primary_key=True),
        _required("started_at", _TIME),
        _required("day", sa.Date),
        _required("hour", sa.Integer),
        _required("outside_hours", sa.Boolean),
        _required("language", sa.String(16)),
        sa.Column("district", sa.String(40)),
        *(_required(name, sa.Integer) for name in COUNTS),
        sa.Column("acute", sa.String(20)),
        sa.Column("handoff", sa.String(16)),
        sa.Column("handoff_wait_seconds", sa.Integer),
        _required("callback", sa.Boolean),
        sa.Column("booking", sa.String(16)),
        _required("contained", sa.Boolean),
        _required("source_updated_at", _TIME),
        _required("rolled_up_at", _TIME),
        _required("settled", sa.Boolean),
    )
    op.create_index("ix_stats_conversations_day", "stats_conversations", ["day"])
    op.create_table(
        "stats_articles",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.String(80), primary_key=True),
        _required("conversation_id", sa.String(36)),
        sa.Column("topic", sa.String(40)),
        _required("kind", sa.String(16)),
    )
    op.create_index("ix_stats_articles_conversation_id", "stats_articles", ["conversation_id"])
    op.create_table(
        "stats_intents",
        sa.Column("message_id", sa.Integer, primary_key=True, autoincrement=False),
        _required("conversation_id", sa.String(36)),
        _required("intent", sa.String(100)),
        sa.Column("confidence", sa.Float),
    )
    op.create_index("ix_stats_intents_conversation_id", "stats_intents", ["conversation_id"])
    op.create_table(
        "stats_daily",
        sa.Column("metric", sa.String(24), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("language", sa.String(16), primary_key=True),
        sa.Column("district", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        _required("value", sa.Integer),
    )
    op.create_table(
        "inbox_questions",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
        _required("conversation_id", sa.String(36)),
        _required("asked_at", _TIME),
        _required("language", sa.String(16)),
        _required("text", sa.Text),
        _required("reason", sa.String(16)),
        sa.Column("article_id", sa.String(80)),
        sa.Column("vector", sa.LargeBinary),
        _required("status", sa.String(16)),
        sa.Column("resolution", sa.String(24)),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("resolved_at", _TIME),
    )
    op.create_index("ix_inbox_questions_status_asked_at", "inbox_questions", ["status", "asked_at"])
    op.create_table(
        "training_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _required("requested_by", sa.String(64)),
        _required("status", sa.String(16)),
        _required("progress", sa.Integer),
        _required("message", sa.String(300)),
        sa.Column("model", sa.String(200)),
        _required("started_at", _TIME),
        sa.Column("finished_at", _TIME),
    )


def downgrade() -> None:
    for table in (
        "training_jobs", "inbox_questions", "stats_daily", "stats_intents", "stats_articles",
        "stats_conversations",
    ):  # fmt: skip
        op.drop_table(table)
