"""Staff accounts: argon2 passwords, logins with lockout, browser sessions, roles, audit.

Agents, editors and administrators log in to the console at /agent. A session is a random token
in an HttpOnly cookie; the database keeps only its hash and the session's CSRF token, so every
app process can check it. Failed logins count per account: after `max_failures` in a row the
account is locked for a while, whether or not the next password is right.

Usage:
    staff = StaffAccounts(session, max_failures=5, lockout=timedelta(minutes=15))
    staff.create("anna", "a long password", role="agent", display_name="Anna", languages=["sv"])
    login = staff.login("anna", "a long password", now)     # raises LoginRefused
    user = staff.user_for_session(login.token, now)         # None when expired or logged out
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry, StaffSession, User, as_utc

ROLES = ("agent", "editor", "admin")
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Checked when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class LoginRefused(Exception):
    """Wrong username or password, or a locked account; `locked_minutes` > 0 when locked."""

    def __init__(self, locked_minutes: int = 0) -> None:
        super().__init__("locked" if locked_minutes else "wrong username or password")
        self.locked_minutes = locked_minutes


class InvalidAccount(ValueError):
    """An account that cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class Login:
    user: User
    token: str  # for the cookie; never stored
    csrf_token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit(
    session: Session,
    user: User | None,
    action: str,
    conversation_id: str | None = None,
    **detail: Any,
) -> None:
    """One line in the audit log (committed with the caller's transaction)."""
    session.add(
        AuditEntry(
            user_id=user.id if user else None,
            username=user.username if user else str(detail.pop("username", "")),
            action=action,
            conversation_id=conversation_id,
            detail=detail,
        )
    )


class StaffAccounts:
    def __init__(
        self, session: Session, max_failures: int, lockout: timedelta, session_length: timedelta
    ) -> None:
        self.session = session
        self.max_failures = max_failures
        self.lockout = lockout
        self.session_length = session_length

    def create(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str,
        languages: list[str],
    ) -> User:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise InvalidAccount(
                "the username must be 2–64 characters: lower-case letters, digits, . _ -"
            )
        if role not in ROLES:
            raise InvalidAccount(f"the role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InvalidAccount(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
        if not display_name.strip():
            raise InvalidAccount("the display name (shown to citizens) must not be empty")
        if self.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise InvalidAccount(f"a user called {username!r} already exists")
        user = User(
            username=username,
            display_name=display_name.strip()[:64],
            password_hash=_hasher.hash(password),
            role=role,
            languages=languages,
            status="offline",
            failed_logins=0,
            active=True,
        )
        self.session.add(user)
        self.session.flush()
        audit(self.session, user, "user_created", role=role)
        return user

    def login(self, username: str, password: str, now: datetime) -> Login:
        user = self.session.scalar(
            select(User).where(User.username == username.strip().lower(), User.active.is_(True))
        )
        if user is None:
            _verify(_DUMMY_HASH, password)
            audit(self.session, None, "login_failed", username=username[:64])
            raise LoginRefused()
        if user.locked_until is not None and as_utc(user.locked_until) > now:
            audit(self.session, user, "login_refused_locked")
            raise LoginRefused(_minutes_left(as_utc(user.locked_until), now))
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            audit(self.session, user, "login_failed")
            if user.failed_logins >= self.max_failures:
                user.failed_logins = 0
                user.locked_until = now + self.lockout
                audit(self.session, user, "locked")
                raise LoginRefused(_minutes_left(user.locked_until, now))
            raise LoginRefused()
        user.failed_logins, user.locked_until = 0, None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        self.session.add(
            StaffSession(
                token_hash=hash_token(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + self.session_length,
            )
        )
        audit(self.session, user, "login")
        return Login(user, token, csrf)

    def session_for(self, token: str | None, now: datetime) -> StaffSession | None:
        """The live session of this cookie token, with its user; None if none."""
        if not token:
            return None
        found = self.session.get(StaffSession, hash_token(token))
        if found is None or as_utc(found.expires_at) <= now or not found.user.active:
            return None
        return found

    def logout(self, token: str) -> None:
        found = self.session.get(StaffSession, hash_token(token))
        if found is not None:
            audit(self.session, found.user, "logout")
            self.session.delete(found)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)
