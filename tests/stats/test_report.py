"""`bot report --month`: a file a unit manager can forward, with the month's figures beside the
month before, the charts and no personal data; a wrongly written month gets a plain message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.core.config import get_settings
from bot.db import migrate
from bot.db.session import Database
from tests.stats.test_rollup import TUESDAY_MORNING, Chat


@pytest.fixture
def database_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'guiderum.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield Database(url)
    get_settings.cache_clear()


def test_the_monthly_report_compares_with_the_month_before(
    database_env: Database, tmp_path: Path
) -> None:
    with database_env.session() as session:
        Chat(session, "nov-1").says("hur mycket är normen 0701234567").answered()
        Chat(session, "nov-2").says("normen").answered().handoff("unavailable")
        Chat(session, "oct-1", at=TUESDAY_MORNING - timedelta(days=30)).says("hej").answered()
    target = tmp_path / "rapport.html"

    result = CliRunner().invoke(app, ["report", "--month", "2026-11", "--out", str(target)])

    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert "månadsrapport november 2026" in html
    assert '<th scope="row">Samtal</th><td>2</td><td>1</td>' in html  # November, then October
    assert '<th scope="row">Besvarade utan en person</th><td>50 %</td><td>100 %</td>' in html
    assert 'data-testid="chart-samtal-per-dag"' in html
    assert "<style>" in html  # readable when opened from an e-mail, without the server
    assert "0701234567" not in html
    assert "/admin/stats/" not in html


def test_a_month_written_wrongly_is_explained(database_env: Database) -> None:
    result = CliRunner().invoke(app, ["report", "--month", "november"])
    assert result.exit_code == 2
    assert "Skriv månaden som ÅÅÅÅ-MM" in result.output
