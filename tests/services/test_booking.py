"""Bookings in the database, on SQLite and PostgreSQL: one booking per slot under 50
simultaneous attempts, moving and cancelling, and the purge of personal data."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import Booking, BookingSlot, as_utc
from bot.db.session import Database
from bot.services.booking import BookingDesk, BookingDetails, SlotTaken, clean_reference
from bot.services.districts import DistrictDirectory
from bot.services.retention import purge_booking_data
from bot.services.slots import SlotCalendar, SlotRuleError

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ATTEMPTS = 50


@pytest.fixture
def database(database_url: str) -> Database:
    database = Database(database_url)
    with database.session() as session:
        calendar = SlotCalendar(session, DistrictDirectory.load())
        calendar.add_template("jarva", 1, "09:00", "12:00", 45, date(2026, 11, 1))
        calendar.publish(NOW.date(), weeks=2)
    return database


def details(slot_id: int, phone: str = "+46701234567") -> BookingDetails:
    return BookingDetails(
        slot_id=slot_id, meeting_type="apply", interpreter_language="ar", name="Amina Hassan",
        phone=phone, email=None, language="ar", conversation_id=None,
    )  # fmt: skip


def first_slot(database: Database, skip: int = 0) -> int:
    with database.session() as session:
        ids = session.scalars(select(BookingSlot.id).order_by(BookingSlot.starts_at))
        return list(ids)[skip]


def test_fifty_simultaneous_attempts_book_a_slot_exactly_once(database: Database) -> None:
    slot = first_slot(database)
    start = threading.Barrier(ATTEMPTS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt(n: int) -> None:
        with database.session() as session:
            start.wait()
            try:
                BookingDesk(session).book(details(slot, phone=f"+4670{n:07d}"), NOW)
                outcome = "booked"
            except SlotTaken:
                outcome = "taken"
            except Exception as error:  # anything else is a failure of the guarantee
                outcome = type(error).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes == Counter({"booked": 1, "taken": ATTEMPTS - 1})
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1  # nothing half-made
        assert session.scalars(select(Booking)).one().slot_id == slot


def test_a_move_keeps_the_old_slot_if_the_new_one_is_taken(database: Database) -> None:
    mine, theirs, free = (first_slot(database, n) for n in range(3))
    with database.session() as session:
        desk = BookingDesk(session)
        booking = desk.book(details(mine), NOW)
        desk.book(details(theirs, phone="+46709999999"), NOW)
        with pytest.raises(SlotTaken):
            desk.move(booking, theirs, NOW)
        session.refresh(booking)
        assert booking.slot_id == mine
        desk.move(booking, free, NOW)
        assert booking.slot_id == free
        assert desk.find(booking.reference, "+46701234567", NOW) is not None


def test_a_cancelled_slot_can_be_booked_again(database: Database) -> None:
    slot = first_slot(database)
    with database.session() as session:
        desk = BookingDesk(session)
        booking = desk.book(details(slot), NOW)
        desk.cancel(booking, NOW)
        assert desk.find(booking.reference, "+46701234567", NOW) is None  # cancelled
        again = desk.book(details(slot, phone="+46708888888"), NOW)
        assert again.slot_id == slot


def test_a_booking_is_found_only_with_its_own_phone_number(database: Database) -> None:
    with database.session() as session:
        desk = BookingDesk(session)
        booking = desk.book(details(first_slot(database)), NOW)
        reference = booking.reference
        assert desk.find(f" {reference[:3].lower()}-{reference[3:]} ", "+46701234567", NOW)
        assert desk.find(reference, "+46700000000", NOW) is None
        later = as_utc(booking.starts_at) + timedelta(hours=1)
        assert desk.find(reference, "+46701234567", later) is None


def test_a_past_slot_cannot_be_booked(database: Database) -> None:
    with database.session() as session, pytest.raises(SlotTaken):
        BookingDesk(session).book(details(first_slot(database)), NOW + timedelta(weeks=3))


def test_personal_data_goes_some_days_after_the_meeting(database: Database) -> None:
    with database.session() as session:
        booking = BookingDesk(session).book(details(first_slot(database)), NOW)
        meeting, booking_id = as_utc(booking.starts_at), booking.id
    assert purge_booking_data(database, 30, now=meeting + timedelta(days=29)) == 0
    assert purge_booking_data(database, 30, now=meeting + timedelta(days=31)) == 1
    with database.session() as session:
        cleared = session.get(Booking, booking_id)
        assert cleared is not None
        assert (cleared.name, cleared.phone, cleared.email) == (None, None, None)
        assert cleared.district == "jarva"  # what the statistics need stays
    assert purge_booking_data(database, 30, now=meeting + timedelta(days=60)) == 0


def test_publishing_twice_adds_nothing_and_closed_days_have_no_slots(database: Database) -> None:
    with database.session() as session:
        calendar = SlotCalendar(session, DistrictDirectory.load())
        assert calendar.publish(NOW.date(), weeks=2) == 0
        tuesday = date(2026, 11, 24)
        booked = BookingDesk(session).book(details(first_slot(database)), NOW)
        still_booked = calendar.close_day("jarva", tuesday, "Personaldag")
        assert [b.reference for b in still_booked] == [booked.reference]
        left = calendar.free_slots("jarva", NOW, NOW + timedelta(days=2), 100)
        assert left == []  # Tuesday's free slots are gone; the booked one stays booked
        assert calendar.publish(NOW.date(), weeks=2) == 0  # and do not come back


def test_staff_get_clear_errors_for_impossible_templates(database: Database) -> None:
    with database.session() as session:
        calendar = SlotCalendar(session, DistrictDirectory.load())
        with pytest.raises(SlotRuleError, match="Okänd stadsdel"):
            calendar.add_template("gotham", 1, "09:00", "12:00", 45, date(2026, 12, 1))
        with pytest.raises(SlotRuleError, match="Sluttiden"):
            calendar.add_template("jarva", 1, "12:00", "09:00", 45, date(2026, 12, 1))
        with pytest.raises(SlotRuleError, match="ingen tid"):
            calendar.add_template("jarva", 1, "9", "12:00", 45, date(2026, 12, 1))


def test_references_are_cleaned_of_what_people_type_around_them() -> None:
    assert clean_reference(" k7m-x3p ") == "K7MX3P"
