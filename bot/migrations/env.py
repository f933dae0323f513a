"""Alembic environment: migrates the database named by the app's settings."""

from __future__ import annotations

from alembic import context

from bot.core.config import get_settings
from bot.db.models import Base
from bot.db.session import build_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations() -> None:
    engine = build_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
