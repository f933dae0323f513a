"""Meetings at the district offices, over HTTP.

- Citizens: the .ics file of their booking (the link in the chat carries a key).
- Calendar programs: each district's feed (a key per district, shown to staff).
- Staff (/agent/bookings, agent and admin roles): bookings per district and day, CSV export;
  admins publish the meeting times (weekly templates, closed days, extra times).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.api.deps import ComponentsDep, SessionDep
from bot.api.routes.pages import TEMPLATES
from bot.api.staff import AdminDep, AgentDep
from bot.core.errors import ApiError
from bot.schemas import RowIdPath
from bot.services.booking import BookingDesk, calendar_key
from bot.services.booking_exports import (
    BookingRow,
    booking_row,
    bookings_csv,
    citizen_calendar,
    district_feed,
)
from bot.services.slots import STOCKHOLM, SlotCalendar, SlotRuleError, day_bounds
from bot.services.staff import audit

T = TypeVar("T")
router = APIRouter(tags=["bookings"])


def get_slot_calendar(components: ComponentsDep, session: SessionDep) -> SlotCalendar:
    return SlotCalendar(session, components.districts)


SlotCalendarDep = Annotated[SlotCalendar, Depends(get_slot_calendar)]


def get_booking_desk(session: SessionDep) -> BookingDesk:
    return BookingDesk(session)


BookingDeskDep = Annotated[BookingDesk, Depends(get_booking_desk)]
api = "/agent/api"
ICS = "text/calendar; charset=utf-8"
MAX_EXPORT_DAYS = 366


class DistrictOut(BaseModel):
    id: str
    name: str
    feed_url: str = Field(description="iCalendar feed of the district's bookings (no login).")


class BookingsOut(BaseModel):
    district: str
    day: date
    bookings: list[BookingRow]


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    district: str = Field(max_length=40)
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    start: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["09:00"])
    end: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["12:00"])
    minutes: int = Field(ge=15, le=240, description="Length of one meeting.")
    valid_from: date
    valid_until: date | None = None


class TemplateOut(TemplateIn):
    id: int


class ClosedDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    district: str | None = Field(None, max_length=40, description="Empty: every district.")
    day: date
    reason: str = Field("", max_length=200)


class ClosedDayOut(ClosedDayIn):
    id: int


class ClosedDayResult(BaseModel):
    closed: ClosedDayIn
    bookings_to_move: list[BookingRow] = Field(
        description="Meetings already booked that day: staff must contact these citizens."
    )


class ExtraSlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    district: str = Field(max_length=40)
    starts: datetime = Field(description="Stockholm time, without time zone: 2026-12-01T13:00")
    minutes: int = Field(ge=15, le=240)


class SlotsOut(BaseModel):
    templates: list[TemplateOut]
    closed_days: list[ClosedDayOut]


class PublishOut(BaseModel):
    added: int


# -- citizens and calendar programs ---------------------------------------------------------------


@router.get("/api/bookings/{reference}/calendar.ics", response_class=Response)
def booking_calendar(
    reference: str, key: str, components: ComponentsDep, desk: BookingDeskDep
) -> Response:
    """The citizen's meeting as a calendar file (the link in the booking confirmation)."""
    expected = calendar_key(components.calendar_secret, f"booking:{reference}")
    booking = desk.by_reference(reference)
    if booking is None or not hmac.compare_digest(key, expected):
        raise ApiError(404, "not_found", components.languages.error_text("sv", "not_found"))
    body = citizen_calendar(
        booking, components.languages, components.districts, components.contacts, components.clock()
    )
    filename = f"mote-{booking.reference}.ics"
    return Response(
        body, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/calendar/{district}.ics", response_class=Response)
def district_calendar(
    district: str, key: str, components: ComponentsDep, desk: BookingDeskDep
) -> Response:
    """A district's bookings from four weeks back to eight weeks ahead, for a calendar program."""
    expected = calendar_key(components.calendar_secret, f"feed:{district}")
    if components.districts.get(district) is None or not hmac.compare_digest(key, expected):
        raise ApiError(404, "not_found", "Kalendern finns inte.")
    now = components.clock()
    bookings = desk.for_district(district, now - timedelta(weeks=4), now + timedelta(weeks=8))
    return Response(district_feed(bookings, district, components.languages, now), media_type=ICS)


# -- staff ----------------------------------------------------------------------------------------


@router.get("/agent/bookings", response_class=HTMLResponse, include_in_schema=False)
def bookings_page(request: Request) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "bookings.html", {"static_url": "/static"})


@router.get(f"{api}/districts", response_model=list[DistrictOut])
def districts(staff: AgentDep, components: ComponentsDep) -> list[DistrictOut]:
    base = components.settings.public_url
    secret = components.calendar_secret
    return [
        DistrictOut(
            id=d.id,
            name=d.name,
            feed_url=f"{base}/calendar/{d.id}.ics?key={calendar_key(secret, f'feed:{d.id}')}",
        )
        for d in components.districts.districts.values()
    ]


@router.get(f"{api}/bookings", response_model=BookingsOut)
def bookings_of_day(
    district: str,
    day: date,
    staff: AgentDep,
    components: ComponentsDep,
    session: SessionDep,
    desk: BookingDeskDep,
) -> BookingsOut:
    """One district's bookings on one day, cancelled ones included."""
    _known(components, district)
    first, last = day_bounds(day, day)
    rows = [booking_row(b, components.languages) for b in desk.for_district(district, first, last)]
    audit(session, staff, "bookings_viewed", district=district, day=day.isoformat())
    session.commit()
    return BookingsOut(district=district, day=day, bookings=rows)


@router.get(f"{api}/bookings.csv", response_class=Response)
def bookings_export(
    district: str,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    staff: AgentDep,
    components: ComponentsDep,
    session: SessionDep,
    desk: BookingDeskDep,
) -> Response:
    _known(components, district)
    if last < first or (last - first).days > MAX_EXPORT_DAYS:
        raise ApiError(422, "invalid_range", f"Välj högst {MAX_EXPORT_DAYS} dagar, från före till.")
    start, end = day_bounds(first, last)
    rows = [booking_row(b, components.languages) for b in desk.for_district(district, start, end)]
    audit(
        session,
        staff,
        "bookings_exported",
        district=district,
        first=first.isoformat(),
        last=last.isoformat(),
    )
    session.commit()
    filename = f"bokningar-{district}-{first}-{last}.csv"
    return Response(
        bookings_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(f"{api}/slots", response_model=SlotsOut)
def slot_rules(staff: AgentDep, components: ComponentsDep, calendar: SlotCalendarDep) -> SlotsOut:
    today = components.clock().astimezone(STOCKHOLM).date()
    return SlotsOut(
        templates=[
            TemplateOut.model_validate(t, from_attributes=True) for t in calendar.templates()
        ],
        closed_days=[
            ClosedDayOut.model_validate(c, from_attributes=True)
            for c in calendar.closed_days(today)
        ],
    )


@router.post(f"{api}/slots/templates", status_code=201, response_model=TemplateOut)
def add_template(
    body: TemplateIn,
    admin: AdminDep,
    components: ComponentsDep,
    session: SessionDep,
    calendar: SlotCalendarDep,
) -> TemplateOut:
    """A weekly pattern of meeting times; slots for the coming weeks are published at once."""
    template = _checked(lambda: calendar.add_template(**body.model_dump(), user_id=admin.id))
    _publish(calendar, components)
    audit(
        session, admin, "slot_template_added", template_id=template.id, district=template.district
    )
    session.commit()
    return TemplateOut.model_validate(template, from_attributes=True)


@router.delete(f"{api}/slots/templates/{{template_id}}", status_code=204)
def remove_template(
    template_id: RowIdPath,
    admin: AdminDep,
    components: ComponentsDep,
    session: SessionDep,
    calendar: SlotCalendarDep,
) -> None:
    """Removes the pattern and its free future times; booked meetings stay."""
    _checked(lambda: calendar.remove_template(template_id, components.clock()))
    audit(session, admin, "slot_template_removed", template_id=template_id)
    session.commit()


@router.post(f"{api}/slots/closed-days", status_code=201, response_model=ClosedDayResult)
def close_day(
    body: ClosedDayIn,
    admin: AdminDep,
    components: ComponentsDep,
    session: SessionDep,
    calendar: SlotCalendarDep,
) -> ClosedDayResult:
    booked = _checked(lambda: calendar.close_day(body.district, body.day, body.reason, admin.id))
    audit(session, admin, "day_closed", district=body.district, day=body.day.isoformat())
    session.commit()
    return ClosedDayResult(
        closed=body, bookings_to_move=[booking_row(b, components.languages) for b in booked]
    )


@router.delete(f"{api}/slots/closed-days/{{closed_day_id}}", status_code=204)
def reopen_day(
    closed_day_id: RowIdPath,
    admin: AdminDep,
    components: ComponentsDep,
    session: SessionDep,
    calendar: SlotCalendarDep,
) -> None:
    _checked(lambda: calendar.reopen_day(closed_day_id))
    _publish(calendar, components)
    audit(session, admin, "day_reopened", closed_day_id=closed_day_id)
    session.commit()


@router.post(f"{api}/slots/extra", status_code=201, response_model=PublishOut)
def add_extra_slot(
    body: ExtraSlotIn,
    admin: AdminDep,
    components: ComponentsDep,
    session: SessionDep,
    calendar: SlotCalendarDep,
) -> PublishOut:
    _checked(
        lambda: calendar.add_extra_slot(
            body.district, body.starts.replace(tzinfo=None), body.minutes
        )
    )
    audit(
        session, admin, "extra_slot_added", district=body.district, starts=body.starts.isoformat()
    )
    session.commit()
    return PublishOut(added=1)


@router.post(f"{api}/slots/publish", response_model=PublishOut)
def publish(admin: AdminDep, components: ComponentsDep, calendar: SlotCalendarDep) -> PublishOut:
    """Creates the slots the templates describe for the coming weeks (also done daily)."""
    return PublishOut(added=_publish(calendar, components))


def _publish(calendar: SlotCalendar, components: ComponentsDep) -> int:
    today = components.clock().astimezone(STOCKHOLM).date()
    return calendar.publish(today, components.settings.slot_publish_weeks)


def _checked(action: Callable[[], T]) -> T:
    try:
        return action()
    except SlotRuleError as problem:
        raise ApiError(422, "invalid_slot_rule", str(problem)) from None


def _known(components: ComponentsDep, district: str) -> None:
    if components.districts.get(district) is None:
        raise ApiError(404, "unknown_district", "Stadsdelen finns inte.")
