"""Meetings with a handläggare: weekly slot templates, closed days, slots, bookings and the
booking dialogue's drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "slot_templates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date),
        _user("created_by"),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_slot_templates_district", "slot_templates", ["district"])
    op.create_table(
        "closed_days",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("district", sa.String(40)),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        _user("created_by"),
        sa.UniqueConstraint("district", "day", name="uq_closed_days_district_day"),
    )
    op.create_index("ix_closed_days_day", "closed_days", ["day"])
    op.create_table(
        "booking_slots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("starts_at", _TIME, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column(
            "template_id", sa.Integer, sa.ForeignKey("slot_templates.id", ondelete="SET NULL")
        ),
        sa.UniqueConstraint("district", "starts_at", name="uq_booking_slots_district_starts_at"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(12), nullable=False, unique=True),
        sa.Column("slot_id", sa.Integer, sa.ForeignKey("booking_slots.id")),
        sa.Column("district", sa.String(40), nullable=False),
        sa.Column("starts_at", _TIME, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("meeting_type", sa.String(16), nullable=False),
        sa.Column("interpreter_language", sa.String(40)),
        sa.Column("name", sa.String(100)),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(254)),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column(
            "conversation_id",
            sa.String(36),
            sa.ForeignKey("conversations.id", ondelete="SET NULL"),
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("cancelled_at", _TIME),
        sa.Column("personal_data_deleted", sa.Boolean, nullable=False),
        sa.UniqueConstraint("slot_id", name="uq_bookings_slot_id"),
    )
    op.create_index("ix_bookings_conversation_id", "bookings", ["conversation_id"])
    op.create_index("ix_bookings_district_starts_at", "bookings", ["district", "starts_at"])
    op.create_table(
        "booking_drafts",
        sa.Column(
            "conversation_id",
            sa.String(36),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
    )


def downgrade() -> None:
    for table in ("booking_drafts", "bookings", "booking_slots", "closed_days", "slot_templates"):
        op.drop_table(table)
