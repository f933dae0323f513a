"""Bookings as files: the citizen's .ics, each district's calendar feed, and the CSV export.

The feed is read by calendar programs that cannot log in, so it holds no personal data: time,
reference, meeting type and interpreter only. Names and phone numbers are in the staff page and
its CSV, which need a login and are audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel

from bot.db.models import Booking, as_utc
from bot.services.calendar_file import CalendarEvent, calendar
from bot.services.districts import DistrictDirectory
from bot.services.languages import LanguageRegistry
from bot.services.slots import STOCKHOLM
from bot.services.spreadsheet import spreadsheet_csv

MEETING_TYPES_SV = {"apply": "Ansökan (första mötet)", "information": "Information före ansökan"}


class BookingRow(BaseModel):
    """One booking as staff see it (Stockholm time)."""

    reference: str
    district: str
    starts_at: datetime
    minutes: int
    meeting_type: str
    interpreter: str | None  # the language's name, e.g. "العربية (ar)"
    name: str | None
    phone: str | None
    email: str | None
    status: str
    language: str


def booking_row(booking: Booking, languages: LanguageRegistry) -> BookingRow:
    return BookingRow(
        reference=booking.reference,
        district=booking.district,
        starts_at=as_utc(booking.starts_at).astimezone(STOCKHOLM),
        minutes=booking.minutes,
        meeting_type=MEETING_TYPES_SV.get(booking.meeting_type, booking.meeting_type),
        interpreter=interpreter_name(booking.interpreter_language, languages),
        name=booking.name,
        phone=booking.phone,
        email=booking.email,
        status=booking.status,
        language=booking.language,
    )


def interpreter_name(code: str | None, languages: LanguageRegistry) -> str | None:
    if code is None:
        return None
    return f"{languages.get(code).name} ({code})" if code in languages else code


def bookings_csv(rows: Iterable[BookingRow]) -> str:
    header = [
        "datum", "tid", "minuter", "stadsdel", "bokningsnummer", "möte", "tolk", "namn",
        "telefon", "e-post", "status", "chattens språk",
    ]  # fmt: skip
    return spreadsheet_csv(header, (
        (
            f"{row.starts_at:%Y-%m-%d}", f"{row.starts_at:%H:%M}", row.minutes, row.district,
            row.reference, row.meeting_type, row.interpreter or "", row.name or "",
            row.phone or "", row.email or "", row.status, row.language,
        )
        for row in rows
    ))  # fmt: skip


def citizen_calendar(
    booking: Booking,
    languages: LanguageRegistry,
    districts: DistrictDirectory,
    contacts: dict[str, str],
    stamp: datetime,
) -> str:
    district = districts.get(booking.district)
    name = district.name if district else booking.district
    values = {**contacts, "district": name, "reference": booking.reference}
    event = CalendarEvent(
        uid=f"{booking.reference}@guiderum.stockholm",
        starts_at=as_utc(booking.starts_at),
        minutes=booking.minutes,
        summary=languages.booking_text(booking.language, "calendar_title", **values),
        location=(district.address if district and district.address else name) or name,
        description=languages.booking_text(booking.language, "calendar_description", **values),
        cancelled=booking.status == "cancelled",
    )
    return calendar([event], name, stamp)


def district_feed(
    bookings: Iterable[Booking], district: str, languages: LanguageRegistry, stamp: datetime
) -> str:
    events = [
        CalendarEvent(
            uid=f"{b.reference}@guiderum.stockholm",
            starts_at=as_utc(b.starts_at),
            minutes=b.minutes,
            summary=_feed_summary(b, languages),
            location=district,
            description=f"Bokningsnummer {b.reference}. Uppgifter om den som bokat finns i "
            "Guiderums bokningsvy.",
            cancelled=b.status == "cancelled",
        )
        for b in bookings
    ]
    return calendar(events, f"Guiderum – bokningar {district}", stamp)


def _feed_summary(booking: Booking, languages: LanguageRegistry) -> str:
    summary = (
        f"{MEETING_TYPES_SV.get(booking.meeting_type, booking.meeting_type)} – {booking.reference}"
    )
    interpreter = interpreter_name(booking.interpreter_language, languages)
    return f"{summary} – TOLK: {interpreter}" if interpreter else summary
