"""Retraining in the background: progress read from Rasa's output, one job at a time, the new
model loaded into the running Rasa server, a failure reported in words. The training command
is a small script that prints what `rasa train` prints; the job machinery around it is real."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.db.models import Base
from bot.db.session import Database
from bot.services.rasa_client import RasaClient
from bot.services.training import DONE, ModelTraining, progress_of
from tests.conftest import FakeRasa

RASA_LIKE_OUTPUT = r"""
import sys, time
out = sys.stdout
out.write("INFO rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'.\n")
for epoch in range(0, 101, 25):
    out.write(f"\rEpochs:  {epoch}%|####      | {epoch}/100 [00:18<29:48, 18.07s/it]")
    out.flush()
    time.sleep(0.05)
out.write("\nYour Rasa model is trained and saved at 'models/x.tar.gz'.\n")
sys.exit(int(sys.argv[1]))
"""


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    Base.metadata.create_all(database.engine)
    yield database
    database.dispose()


def training(
    database: Database, fake_rasa: FakeRasa, tmp_path: Path, exit_code: int
) -> ModelTraining:
    rasa = RasaClient(
        "http://rasa", "http://actions", transport=httpx.MockTransport(fake_rasa.handler)
    )
    command = [sys.executable, "-c", RASA_LIKE_OUTPUT, str(exit_code)]
    return ModelTraining(database, rasa, tmp_path, command=lambda target: command)


def test_rasa_output_moves_the_progress_forward_only() -> None:
    assert progress_of("Starting to train component 'DIETClassifier'.", 0) == (
        0,
        "Tränar DIETClassifier",
    )
    assert progress_of("Epochs:  50%|#####     | 50/100 [00:10<00:10]", 0) == (
        50,
        "Tränar: 50 % av varven",
    )
    assert progress_of("Epochs: 100%|##########| 100/100", 0)[0] == 95  # type: ignore[index]
    assert progress_of("Epochs:   0%|", 60)[0] == 60  # type: ignore[index]  # a second bar
    assert progress_of("INFO nothing to see", 10) is None


def test_a_training_runs_in_the_background_and_rasa_loads_the_new_model(
    database: Database, fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    runner = training(database, fake_rasa, tmp_path, exit_code=0)
    first = runner.request("anna")
    runner.wait(timeout=60)

    job = runner.latest()
    assert job is not None
    assert job.id == first.id
    assert (job.status, job.progress, job.message) == ("done", 100, DONE)
    assert job.requested_by == "anna"
    assert job.finished_at is not None
    assert len(fake_rasa.loaded_models) == 1
    assert fake_rasa.loaded_models[0].startswith(str(tmp_path))


def test_requests_while_one_waits_make_one_job(
    database: Database, fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    runner = training(database, fake_rasa, tmp_path, exit_code=0)
    runner._start_worker = lambda: None  # type: ignore[method-assign]  # hold the queue still
    first, second = runner.request("anna"), runner.request("bo")
    assert first.id == second.id


def test_a_failed_training_says_so_and_keeps_the_old_model(
    database: Database, fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    runner = training(database, fake_rasa, tmp_path, exit_code=1)
    runner.request("anna")
    runner.wait(timeout=60)
    job = runner.latest()
    assert job is not None
    assert job.status == "failed"
    assert "felkod 1" in job.message
    assert fake_rasa.loaded_models == []
