from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app, rasa_environment
from bot.core.config import Settings, get_settings
from bot.db import migrate


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


def test_staff_publish_meeting_times_and_purge_bookings_from_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'guiderum.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        wrong = runner.invoke(app, ["slots", "add-template", "jarva", "someday", "09:00", "12:00"])
        assert wrong.exit_code != 0
        assert "weekday must be one of" in wrong.output
        unknown = runner.invoke(app, ["slots", "add-template", "gotham", "tue", "09:00", "12:00"])
        assert "Okänd stadsdel" in unknown.output
        added = runner.invoke(app, ["slots", "add-template", "jarva", "tue", "09:00", "12:00"])
        assert added.exit_code == 0, added.output
        assert "meeting times published" in added.output
        listed = runner.invoke(app, ["slots", "list"])
        assert "tue 09:00-12:00, 45 min" in listed.output
        purged = runner.invoke(app, ["purge"])
        assert "from 0 bookings" in purged.output
    finally:
        get_settings.cache_clear()
