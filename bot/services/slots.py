"""Meeting times at the district offices: staff publish them, citizens book them.

Staff describe each district's week once (templates: "Tuesdays 09:00–12:00, 45-minute
meetings"), add closed days and the odd extra time; `publish` turns that into concrete slots for
the weeks ahead (idempotent: running it twice adds nothing). All times are Europe/Stockholm wall
clock for staff and citizens, stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import Booking, BookingSlot, ClosedDay, SlotTemplate, as_utc
from bot.db.session import Database
from bot.db.upsert import insert_for
from bot.services.districts import DistrictDirectory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MEETING_MINUTES = (15, 240)  # shortest and longest meeting staff may publish


class SlotRuleError(ValueError):
    """A template, closed day or extra time staff cannot publish; the text says why (Swedish,
    the staff's language)."""


@dataclass(frozen=True)
class FreeSlot:
    id: int
    district: str
    starts_at: datetime  # Stockholm time
    minutes: int


class SlotCalendar:
    """Templates, closed days and slots of every district.

    Usage:
        calendar = SlotCalendar(session, DistrictDirectory.load())
        calendar.add_template("jarva", weekday=1, start="09:00", end="12:00", minutes=45,
                              valid_from=date(2026, 12, 1))
        calendar.publish(today=date(2026, 11, 24), weeks=5)
        calendar.free_slots("jarva", now, weeks=3)
    """

    def __init__(self, session: Session, districts: DistrictDirectory) -> None:
        self.session = session
        self.districts = districts

    # -- what staff publish -------------------------------------------------------------------

    def add_template(
        self,
        district: str,
        weekday: int,
        start: str,
        end: str,
        minutes: int,
        valid_from: date,
        valid_until: date | None = None,
        user_id: int | None = None,
    ) -> SlotTemplate:
        self._known(district)
        if not 0 <= weekday <= 6:
            raise SlotRuleError("Veckodagen ska vara 0 (måndag) till 6 (söndag).")
        first, last = _clock(start), _clock(end)
        if first >= last:
            raise SlotRuleError("Sluttiden måste vara efter starttiden.")
        _check_minutes(minutes)
        if valid_until is not None and valid_until < valid_from:
            raise SlotRuleError("Slutdatumet måste vara samma dag som startdatumet eller senare.")
        template = SlotTemplate(
            district=district, weekday=weekday, start=start, end=end, minutes=minutes,
            valid_from=valid_from, valid_until=valid_until, created_by=user_id,
        )  # fmt: skip
        self.session.add(template)
        self.session.commit()
        return template

    def remove_template(self, template_id: int, now: datetime) -> int:
        """Removes the template and its future slots nobody has booked; returns how many."""
        template = self.session.get(SlotTemplate, template_id)
        if template is None:
            raise SlotRuleError("Mallen finns inte.")
        removed = self._delete_free(
            BookingSlot.template_id == template_id, BookingSlot.starts_at > now
        )
        self.session.delete(template)
        self.session.commit()
        return removed

    def templates(self, district: str | None = None) -> list[SlotTemplate]:
        query = select(SlotTemplate).order_by(
            SlotTemplate.district, SlotTemplate.weekday, SlotTemplate.start
        )
        if district:
            query = query.where(SlotTemplate.district == district)
        return list(self.session.scalars(query))

    def close_day(
        self, district: str | None, day: date, reason: str = "", user_id: int | None = None
    ) -> list[Booking]:
        """No meetings that day; free slots go at once. Returns the bookings already made
        that day, which staff must move themselves (the citizens have to be told)."""
        if district is not None:
            self._known(district)
        exists = self.session.scalar(
            select(ClosedDay).where(ClosedDay.district.is_(district) if district is None
                                    else ClosedDay.district == district, ClosedDay.day == day)
        )  # fmt: skip
        if exists is None:
            self.session.add(
                ClosedDay(district=district, day=day, reason=reason[:200], created_by=user_id)
            )
        start, end = day_bounds(day, day)
        where = [BookingSlot.starts_at >= start, BookingSlot.starts_at < end]
        if district is not None:
            where.append(BookingSlot.district == district)
        self._delete_free(*where)
        self.session.commit()
        booked = select(Booking).where(
            Booking.status == "booked", Booking.starts_at >= start, Booking.starts_at < end
        )
        if district is not None:
            booked = booked.where(Booking.district == district)
        return list(self.session.scalars(booked.order_by(Booking.starts_at)))

    def reopen_day(self, closed_day_id: int) -> None:
        closed = self.session.get(ClosedDay, closed_day_id)
        if closed is None:
            raise SlotRuleError("Dagen finns inte bland de stängda dagarna.")
        self.session.delete(closed)
        self.session.commit()

    def closed_days(self, since: date) -> list[ClosedDay]:
        return list(
            self.session.scalars(
                select(ClosedDay).where(ClosedDay.day >= since).order_by(ClosedDay.day)
            )
        )

    def add_extra_slot(self, district: str, starts: datetime, minutes: int) -> BookingSlot:
        """One extra meeting time outside the templates (`starts` in Stockholm time)."""
        self._known(district)
        _check_minutes(minutes)
        starts_at = starts.replace(tzinfo=STOCKHOLM).astimezone(UTC)
        taken = self.session.scalar(
            select(BookingSlot.id).where(
                BookingSlot.district == district, BookingSlot.starts_at == starts_at
            )
        )
        if taken is not None:
            raise SlotRuleError("Det finns redan en tid då.")
        slot = BookingSlot(district=district, starts_at=starts_at, minutes=minutes)
        self.session.add(slot)
        self.session.commit()
        return slot

    def publish(self, today: date, weeks: int) -> int:
        """Creates the slots the templates describe from `today` for `weeks` weeks, except on
        closed days and where a slot already exists; returns how many were added."""
        last = today + timedelta(weeks=weeks)
        closed = {
            (c.district, c.day)
            for c in self.session.scalars(
                select(ClosedDay).where(ClosedDay.day >= today, ClosedDay.day <= last)
            )
        }
        start, _ = day_bounds(today, today)
        existing = {
            (district, as_utc(starts_at))
            for district, starts_at in self.session.execute(
                select(BookingSlot.district, BookingSlot.starts_at).where(
                    BookingSlot.starts_at >= start
                )
            )
        }
        rows: list[dict[str, object]] = []
        for template in self.templates():
            for day in _days(max(today, template.valid_from), last):
                if day.weekday() != template.weekday:
                    continue
                if template.valid_until is not None and day > template.valid_until:
                    break
                if (None, day) in closed or (template.district, day) in closed:
                    continue
                rows.extend(
                    {"district": template.district, "starts_at": starts_at,
                     "minutes": template.minutes, "template_id": template.id}
                    for starts_at in _meeting_starts(day, template)
                    if (template.district, starts_at) not in existing
                )  # fmt: skip
        added = self._insert_new(rows)
        self.session.commit()
        return added

    def _insert_new(self, rows: list[dict[str, object]]) -> int:
        """Inserts the slots no one else has inserted meanwhile: every app process publishes
        daily, and two may do so at the same moment."""
        if not rows:
            return 0
        statement = insert_for(self.session, BookingSlot).on_conflict_do_nothing(
            index_elements=["district", "starts_at"]
        )
        inserted = self.session.connection().execute(statement.returning(BookingSlot.id), rows)
        return len(inserted.all())

    # -- what citizens see ----------------------------------------------------------------------

    def free_slots(
        self,
        district: str,
        earliest: datetime,
        latest: datetime,
        limit: int,
    ) -> list[FreeSlot]:
        """The first free slots between the two moments, earliest first."""
        query = (
            select(BookingSlot)
            .outerjoin(Booking, Booking.slot_id == BookingSlot.id)
            .where(
                Booking.id.is_(None),
                BookingSlot.district == district,
                BookingSlot.starts_at >= earliest,
                BookingSlot.starts_at < latest,
            )
            .order_by(BookingSlot.starts_at)
            .limit(limit)
        )
        return [_free(slot) for slot in self.session.scalars(query)]

    def free_slot(
        self, slot_id: int, district: str, earliest: datetime, latest: datetime
    ) -> FreeSlot | None:
        """The slot, if it is this district's, in the window and not booked."""
        slot = self.session.get(BookingSlot, slot_id)
        if slot is None or slot.district != district:
            return None
        booked = self.session.scalar(select(Booking.id).where(Booking.slot_id == slot_id))
        if booked is not None or not earliest <= as_utc(slot.starts_at) < latest:
            return None
        return _free(slot)

    # -- helpers ----------------------------------------------------------------------------------

    def _known(self, district: str) -> None:
        if self.districts.get(district) is None:
            known = ", ".join(self.districts.districts)
            raise SlotRuleError(f"Okänd stadsdel {district!r}; välj en av: {known}.")

    def _delete_free(self, *where: object) -> int:
        booked = select(Booking.slot_id).where(Booking.slot_id.is_not(None))
        ids = list(
            self.session.scalars(
                select(BookingSlot.id).where(*where, BookingSlot.id.not_in(booked))  # type: ignore[arg-type]
            )
        )
        if ids:
            self.session.execute(delete(BookingSlot).where(BookingSlot.id.in_(ids)))
        return len(ids)


def publish_slots(
    database: Database, districts: DistrictDirectory, weeks: int, today: date | None = None
) -> int:
    """`SlotCalendar.publish` in its own session, from today in Stockholm (the daily job)."""
    day = today or datetime.now(STOCKHOLM).date()
    with database.session() as session:
        return SlotCalendar(session, districts).publish(day, weeks)


def _clock(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise SlotRuleError(f"{value!r} är ingen tid; skriv till exempel 09:00.") from None


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last`, Stockholm days, in UTC."""
    start = datetime.combine(first, time(0), STOCKHOLM).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), STOCKHOLM).astimezone(UTC)
    return start, end


def _check_minutes(minutes: int) -> None:
    if not MEETING_MINUTES[0] <= minutes <= MEETING_MINUTES[1]:
        raise SlotRuleError(
            f"Ett möte ska vara {MEETING_MINUTES[0]} till {MEETING_MINUTES[1]} minuter."
        )


def _free(slot: BookingSlot) -> FreeSlot:
    return FreeSlot(
        slot.id, slot.district, as_utc(slot.starts_at).astimezone(STOCKHOLM), slot.minutes
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _meeting_starts(day: date, template: SlotTemplate) -> list[datetime]:
    """Meetings of the template's length that fit between its start and end that day."""
    starts: list[datetime] = []
    moment = datetime.combine(day, _clock(template.start), STOCKHOLM)
    end = datetime.combine(day, _clock(template.end), STOCKHOLM)
    while moment + timedelta(minutes=template.minutes) <= end:
        starts.append(moment.astimezone(UTC))
        moment += timedelta(minutes=template.minutes)
    return starts
