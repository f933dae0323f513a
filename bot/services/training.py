"""Retraining Rasa in the background after an editor adds NLU examples from the inbox.

Training takes minutes, so it runs in a thread of the app process, one job at a time. The job
and its progress are rows in `training_jobs`, so every app process (and every editor's page)
sees the same state. Progress is read from Rasa's own output: the component being trained and
the epoch bar of the DIET classifier, which is most of the time. When the model is ready the
running Rasa server is told to load it (PUT /model): no restart, conversations carry on.

Usage:
    training = ModelTraining(database, rasa, model_dir)
    job = training.request("anna")     # queued; a worker thread starts if none is running
    training.latest()                  # -> TrainingJob(status="running", progress=42, …)
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import select, update

from bot.core.config import PROJECT_ROOT
from bot.db.models import TrainingJob
from bot.db.session import Database
from bot.services import assistant_model
from bot.services.rasa_client import AssistantUnavailable, RasaClient

_COMPONENT = re.compile(r"Starting to train component '([^']+)'")
_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
EPOCHS_SHARE = (5, 95)  # the epoch bar moves progress from 5 % to 95 %
DONE = "Klar: assistenten använder den nya modellen"
Command = Callable[[Path], list[str]]


def progress_of(line: str, current: int) -> tuple[int, str] | None:
    """The progress and message a line of Rasa's output gives, if any."""
    component = _COMPONENT.search(line)
    if component:
        return current, f"Tränar {component.group(1)}"
    epochs = _EPOCHS.search(line)
    if epochs:
        low, high = EPOCHS_SHARE
        percent = int(epochs.group(1))
        return max(current, low + (high - low) * percent // 100), f"Tränar: {percent} % av varven"
    return None


class ModelTraining:
    """Queues, runs and reports Rasa trainings; see the module docs."""

    def __init__(
        self,
        database: Database,
        rasa: RasaClient,
        model_dir: Path,
        command: Command = assistant_model.train_command,
        root: Path = PROJECT_ROOT,
    ) -> None:
        self.database = database
        self.rasa = rasa
        self.model_dir = model_dir
        self.command = command
        self.root = root
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def request(self, by: str) -> TrainingJob:
        """Queues a training unless one is already waiting to start (it will read the same
        files), and makes sure a worker runs."""
        with self.database.session() as session:
            job = session.scalars(select(TrainingJob).where(TrainingJob.status == "queued")).first()
            if job is None:
                job = TrainingJob(
                    requested_by=by, status="queued", progress=0, message="Väntar på att starta"
                )
                session.add(job)
                session.flush()
        self._start_worker()
        return job

    def latest(self) -> TrainingJob | None:
        with self.database.session() as session:
            return session.scalars(select(TrainingJob).order_by(TrainingJob.id.desc())).first()

    def wait(self, timeout: float | None = None) -> None:
        """Until the worker has no more jobs (tests, the CLI)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _start_worker(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True, name="training")
                self._worker.start()

    def _work(self) -> None:
        while (job_id := self._claim()) is not None:
            self._run(job_id)

    def _claim(self) -> int | None:
        """Takes the oldest queued job; the UPDATE … WHERE status='queued' lets only one
        process win it."""
        with self.database.session() as session:
            for job_id in session.scalars(
                select(TrainingJob.id)
                .where(TrainingJob.status == "queued")
                .order_by(TrainingJob.id)
            ):
                claimed = session.execute(
                    update(TrainingJob)
                    .where(TrainingJob.id == job_id, TrainingJob.status == "queued")
                    .values(status="running", message="Startar", started_at=datetime.now(UTC))
                )
                if claimed.rowcount:  # type: ignore[attr-defined]
                    return job_id
        return None

    def _run(self, job_id: int) -> None:
        target = assistant_model.model_path(self.model_dir, self.root)
        progress, message = 0, "Startar"
        try:
            process = subprocess.Popen(  # noqa: S603 — a fixed command
                self.command(target), cwd=self.root, env=assistant_model.training_environment(),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            for line in _lines(process.stdout):  # type: ignore[arg-type]  # PIPE: never None
                found = progress_of(line, progress)
                if found and found != (progress, message):
                    progress, message = found
                    self._update(job_id, progress=progress, message=message)
            if process.wait() != 0:
                raise RuntimeError(f"rasa train slutade med felkod {process.returncode}")
            self.rasa.load_model(target)
        except (OSError, RuntimeError, AssistantUnavailable) as problem:
            self._update(job_id, status="failed", message=f"Misslyckades: {problem}"[:300],
                         finished_at=datetime.now(UTC))  # fmt: skip
            return
        self._update(job_id, status="done", progress=100, message=DONE, model=target.name,
                     finished_at=datetime.now(UTC))  # fmt: skip

    def _update(self, job_id: int, **values: object) -> None:
        with self.database.session() as session:
            session.execute(update(TrainingJob).where(TrainingJob.id == job_id).values(**values))


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of output, where a progress bar's carriage returns also end a line."""
    buffer = b""
    while chunk := os.read(stream.fileno(), 4096):  # what is there, without waiting for more
        buffer += chunk
        *complete, buffer = re.split(rb"[\r\n]", buffer)
        for line in complete:
            yield line.decode("utf-8", "replace")
    if buffer:
        yield buffer.decode("utf-8", "replace")
