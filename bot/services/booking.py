"""Booking, cancelling and moving a meeting with a handläggare, safely under concurrency.

One slot holds one booking: the unique `bookings.slot_id` constraint decides, in the database,
which of several simultaneous attempts wins; the others get `SlotTaken` and nothing of theirs
is written. A cancelled booking lets go of its slot, which is bookable again at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Booking, BookingSlot, as_utc

# The chat's buttons for starting the booking form (they are also Rasa intents, for typed text).
BOOK_MEETING_PAYLOAD = "/book_meeting"
CHANGE_BOOKING_PAYLOAD = "/cancel_booking"
# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6.
REFERENCE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
REFERENCE_LENGTH = 6
MEETING_TYPES = ("apply", "information")


class SlotTaken(Exception):
    """Someone else booked the slot first (or it no longer exists)."""


@dataclass(frozen=True)
class BookingDetails:
    slot_id: int
    meeting_type: str
    interpreter_language: str | None
    name: str
    phone: str
    email: str | None
    language: str
    conversation_id: str | None


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def clean_reference(typed: str) -> str:
    """What a citizen typed, as a reference: upper case, no spaces or dashes."""
    return "".join(c for c in typed.upper() if c.isalnum())


def calendar_key(secret: str, subject: str) -> str:
    """The key in a calendar link (a booking's reference or a district's feed): links work
    without a login, so they must not be guessable."""
    return hmac.new(secret.encode(), subject.encode(), hashlib.sha256).hexdigest()[:32]


class BookingDesk:
    """Bookings in the database.

    Usage:
        desk = BookingDesk(session)
        booking = desk.book(details, now)        # raises SlotTaken if it went first elsewhere
        desk.find("K7MX3P", "+46701234567")      # the citizen's own booking
        desk.cancel(booking, now)
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def book(self, details: BookingDetails, now: datetime) -> Booking:
        slot = self.session.get(BookingSlot, details.slot_id)
        if slot is None or as_utc(slot.starts_at) <= now:
            raise SlotTaken(details.slot_id)
        for _ in range(5):  # a clash of references is rare; a clash of slots ends at once
            booking = Booking(
                reference=new_reference(), slot_id=slot.id, district=slot.district,
                starts_at=slot.starts_at, minutes=slot.minutes,
                meeting_type=details.meeting_type,
                interpreter_language=details.interpreter_language, name=details.name,
                phone=details.phone, email=details.email, language=details.language,
                conversation_id=details.conversation_id, status="booked", created_at=now,
            )  # fmt: skip
            self.session.add(booking)
            try:
                self.session.commit()
                return booking
            except IntegrityError:
                self.session.rollback()
                if self._slot_booked(details.slot_id):
                    raise SlotTaken(details.slot_id) from None
        raise RuntimeError("could not find a free booking reference")

    def move(self, booking: Booking, slot_id: int, now: datetime) -> Booking:
        """Moves the booking to another slot in one transaction; the old slot is freed only
        if the new one is won."""
        slot = self.session.get(BookingSlot, slot_id)
        if slot is None or as_utc(slot.starts_at) <= now:
            raise SlotTaken(slot_id)
        booking.slot_id, booking.starts_at, booking.minutes = slot.id, slot.starts_at, slot.minutes
        try:
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise SlotTaken(slot_id) from None
        return booking

    def cancel(self, booking: Booking, now: datetime) -> None:
        booking.status, booking.slot_id, booking.cancelled_at = "cancelled", None, now
        self.session.commit()

    def find(self, reference: str, phone: str, now: datetime) -> Booking | None:
        """A booked, future meeting with this reference and phone number; both must match, so
        a reference alone reveals nothing."""
        booking = self.session.scalar(
            select(Booking).where(
                Booking.reference == clean_reference(reference), Booking.status == "booked"
            )
        )
        if booking is None or booking.phone != phone or as_utc(booking.starts_at) <= now:
            return None
        return booking

    def by_reference(self, reference: str) -> Booking | None:
        return self.session.scalar(
            select(Booking).where(Booking.reference == clean_reference(reference))
        )

    def for_district(self, district: str, first: datetime, last: datetime) -> list[Booking]:
        return list(
            self.session.scalars(
                select(Booking)
                .where(
                    Booking.district == district,
                    Booking.starts_at >= first,
                    Booking.starts_at < last,
                )
                .order_by(Booking.starts_at)
            )
        )

    def delete_personal_data(self, days: int, now: datetime) -> int:
        """Name, phone and e-mail go `days` after the meeting (or after a cancellation);
        the rest stays for the statistics. Returns how many bookings were cleared."""
        cutoff = now - timedelta(days=days)
        result = self.session.execute(
            update(Booking)
            .where(
                Booking.personal_data_deleted.is_(False),
                or_(
                    Booking.starts_at < cutoff,
                    Booking.cancelled_at < cutoff,
                ),
            )
            .values(name=None, phone=None, email=None, personal_data_deleted=True)
        )
        self.session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _slot_booked(self, slot_id: int) -> bool:
        return self.session.scalar(select(Booking.id).where(Booking.slot_id == slot_id)) is not None
