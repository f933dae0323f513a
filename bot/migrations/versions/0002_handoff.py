"""Staff accounts and sessions, handoffs to a person, call-back requests, notes, canned
responses and the audit log; messages get their author.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def _conversation(ondelete: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        "conversation_id",
        sa.String(36),
        sa.ForeignKey("conversations.id", ondelete=ondelete),
        nullable=nullable,
    )


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_seen_at", _TIME),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", _TIME),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("author_id", sa.Integer))
        batch.create_foreign_key(
            "fk_messages_author_id_users", "users", ["author_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _conversation("SET NULL", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("priority", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(40)),
        sa.Column("unavailable_because", sa.String(16)),
        sa.Column("requested_at", _TIME, nullable=False),
        sa.Column("accepted_at", _TIME),
        sa.Column("ended_at", _TIME),
        _user("agent_id"),
        sa.Column("outcome", sa.String(24)),
    )
    op.create_index("ix_handoffs_conversation_id", "handoffs", ["conversation_id"])
    op.create_index(
        "ix_handoffs_status_priority", "handoffs", ["status", "priority", "requested_at"]
    )
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _conversation("CASCADE"),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("preferred_time", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _user("handled_by"),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("handled_at", _TIME),
    )
    op.create_index(
        "ix_callback_requests_conversation_id", "callback_requests", ["conversation_id"]
    )
    op.create_index("ix_callback_requests_created_at", "callback_requests", ["created_at"])
    op.create_table(
        "agent_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _conversation("CASCADE"),
        _user("author_id"),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_agent_notes_conversation_id", "agent_notes", ["conversation_id"])
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        _user("updated_by"),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    op.create_index("ix_canned_responses_language", "canned_responses", ["language"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("conversation_id", sa.String(36)),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("at", _TIME, nullable=False),
    )
    for column in ("user_id", "conversation_id", "at"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])


def downgrade() -> None:
    for table in ("audit_log", "canned_responses", "agent_notes", "callback_requests", "handoffs"):
        op.drop_table(table)
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("fk_messages_author_id_users", type_="foreignkey")
        batch.drop_column("author_id")
    op.drop_table("staff_sessions")
    op.drop_table("users")
