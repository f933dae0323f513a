from __future__ import annotations

from bot.cli import rasa_environment
from bot.core.config import Settings


def test_rasa_tracker_store_beside_the_sqlite_database() -> None:
    env = rasa_environment(Settings(database_url="sqlite:////data/guiderum.db", port=8123))
    assert env["TRACKER_DIALECT"] == "sqlite"
    assert env["TRACKER_URL"] == "sqlite:////data/guiderum.rasa-tracker.db"
    assert env["NLG_ENDPOINT_URL"] == "http://127.0.0.1:8123/internal/nlg"


def test_rasa_tracker_store_in_the_same_postgres_database() -> None:
    env = rasa_environment(
        Settings(database_url="postgresql+psycopg://user:pw@db:5432/guiderum", action_port=6000)
    )
    assert env["TRACKER_DIALECT"] == "postgresql"
    assert env["TRACKER_URL"] == "postgresql://user:pw@db:5432/guiderum"
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6000/webhook"


def test_cors_origins_from_a_comma_separated_variable() -> None:
    settings = Settings(cors_origins="https://start.stockholm, https://example.se")  # type: ignore[arg-type]
    assert settings.cors_origins == ["https://start.stockholm", "https://example.se"]
