"""The contact centre's opening hours, from `bot/opening_hours.yml`.

The handoff to a person and the call-back offer depend on them: the assistant offers to put the
user through to the contact centre only while it is open, and otherwise offers a call back and
says when the centre opens next. Getting this wrong either sends people into a closed queue or
hides a person who could help, so the hours are an editor-maintained file, validated on load,
and every computation is done in the centre's own time zone with `zoneinfo` (daylight saving
time included, never a fixed UTC offset).

Usage:
    hours = OpeningHours.load()                       # bot/opening_hours.yml
    now = datetime.now(timezone.utc)                  # any time zone, but it must be aware
    if hours.is_open(now):
        ...                                           # offer the handoff
    else:
        opens = hours.next_opening(now)               # e.g. 2026-12-28 08:00+01:00
    hours.hours_on(date(2026, 12, 24))                # None: julafton, closed
    swedish_public_holidays(2026)[date(2026, 6, 19)]  # "midsommarafton"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

OPENING_HOURS_FILE = Path(__file__).resolve().parent.parent / "opening_hours.yml"

_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
_HOURS_KEYS = {"opens", "closes"}
_SUMMER_KEYS = {"start", "end", "monday_to_thursday", "friday"}
_TOP_KEYS = {
    "timezone",
    "monday_to_thursday",
    "friday",
    "summer",
    "closed_on_public_holidays",
    "extra_closed",
    "extra_open",
}
_EXTRA_OPEN_KEYS = {"date", "opens", "closes"}
# A valid file always has weekday hours, so an opening comes within days; this only guards
# against an endless loop.
_SEARCH_DAYS = 400


def easter_sunday(year: int) -> date:
    """Easter Sunday (påskdagen) by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _weekday_between(year: int, month: int, first_day: int, weekday: int) -> date:
    """The one date with this weekday (Monday = 0) among the 7 days from `first_day`."""
    start = date(year, month, first_day)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@lru_cache(maxsize=64)
def _holidays(year: int) -> tuple[tuple[date, str], ...]:
    easter = easter_sunday(year)
    days = [
        (date(year, 1, 1), "nyårsdagen"),
        (date(year, 1, 6), "trettondedag jul"),
        (easter - timedelta(days=2), "långfredagen"),
        (easter - timedelta(days=1), "påskafton"),
        (easter, "påskdagen"),
        (easter + timedelta(days=1), "annandag påsk"),
        (date(year, 5, 1), "första maj"),
        (easter + timedelta(days=39), "Kristi himmelfärds dag"),
        (easter + timedelta(days=49), "pingstdagen"),
        (date(year, 6, 6), "Sveriges nationaldag"),
        (_weekday_between(year, 6, 19, 4), "midsommarafton"),  # Friday 19–25 June
        (_weekday_between(year, 6, 20, 5), "midsommardagen"),  # Saturday 20–26 June
        (_weekday_between(year, 10, 31, 5), "alla helgons dag"),  # Saturday 31 Oct – 6 Nov
        (date(year, 12, 24), "julafton"),
        (date(year, 12, 25), "juldagen"),
        (date(year, 12, 26), "annandag jul"),
        (date(year, 12, 31), "nyårsafton"),
    ]
    names: dict[date, str] = {}
    for day, name in sorted(days, key=lambda item: item[0]):  # stable: keeps the list order
        # Two can fall on one day (Kristi himmelfärds dag on 1 May, e.g. 2008): keep both names.
        names[day] = f"{names[day]}, {name}" if day in names else name
    return tuple(names.items())


def swedish_public_holidays(year: int) -> dict[date, str]:
    """Swedish public holidays and the holiday eves the contact centre is closed on, by date,
    with their Swedish names: the red days (nyårsdagen … annandag jul, including the ones that
    are always a Sunday, påskdagen and pingstdagen) plus påskafton, midsommarafton, julafton
    and nyårsafton. Easter is computed with the anonymous Gregorian algorithm."""
    return dict(_holidays(year))


@dataclass(frozen=True)
class WeekHours:
    """Opening and closing times for Monday–Thursday and for Friday; weekends are closed."""

    monday_to_thursday: tuple[time, time]
    friday: tuple[time, time]


@dataclass(frozen=True)
class OpeningHours:
    """The contact centre's opening hours; build it with `OpeningHours.load()`."""

    timezone: ZoneInfo
    normal: WeekHours
    summer: WeekHours
    summer_start: tuple[int, int]  # (month, day), first day of the summer period
    summer_end: tuple[int, int]  # (month, day), last day of the summer period
    closed_on_public_holidays: bool
    extra_closed: frozenset[date]
    extra_open: Mapping[date, tuple[time, time]]

    @classmethod
    def load(cls, path: Path = OPENING_HOURS_FILE) -> OpeningHours:
        """Reads and validates the file; raises ValueError with a plain message naming the
        field, e.g. "opening_hours.yml: friday.closes must be HH:MM"."""
        return _Parser(path.name).parse(path.read_text(encoding="utf-8"))

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """(opens, closes) in local time on that day, or None when the centre is closed."""
        if day in self.extra_open:
            return self.extra_open[day]
        if day in self.extra_closed:
            return None
        if self.closed_on_public_holidays and day in swedish_public_holidays(day.year):
            return None
        weekday = day.weekday()
        if weekday >= 5:
            return None
        week = self.summer if self._in_summer(day) else self.normal
        return week.friday if weekday == 4 else week.monday_to_thursday

    def is_open(self, at: datetime) -> bool:
        """Whether the centre is open at this moment; `at` must be timezone-aware."""
        local = self._local(at)
        hours = self.hours_on(local.date())
        return hours is not None and hours[0] <= local.time() < hours[1]

    def next_opening(self, at: datetime) -> datetime:
        """The next moment the centre is open, in its time zone: `at` itself (converted) if it
        is open now, else the next opening time. `at` must be timezone-aware."""
        local = self._local(at)
        if self.is_open(local):
            return local
        day = local.date()
        for offset in range(_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            hours = self.hours_on(candidate)
            if hours is None:
                continue
            opens = self._at(candidate, hours[0])
            if opens > local:
                return opens
        raise ValueError(f"no opening within {_SEARCH_DAYS} days of {at.isoformat()}")

    def _in_summer(self, day: date) -> bool:
        month_day = (day.month, day.day)
        if self.summer_start <= self.summer_end:
            return self.summer_start <= month_day <= self.summer_end
        return month_day >= self.summer_start or month_day <= self.summer_end  # over New Year

    def _local(self, at: datetime) -> datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("at must be a timezone-aware datetime")
        return at.astimezone(self.timezone)

    def _at(self, day: date, clock: time) -> datetime:
        """That wall-clock time on that day; a time skipped by a daylight-saving change moves
        to the same instant expressed after the change (02:30 → 03:30 in spring)."""
        wall_clock = datetime.combine(day, clock, tzinfo=self.timezone)
        return wall_clock.astimezone(timezone.utc).astimezone(self.timezone)


class _Parser:
    """Validation of the file, with messages that name the field."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def error(self, field: str, problem: str) -> ValueError:
        return ValueError(f"{self.file_name}: {field} {problem}")

    def parse(self, text: str) -> OpeningHours:
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"{self.file_name}: not valid YAML ({exc})") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"{self.file_name}: must be a mapping of fields, see the comments")
        self.check_keys(raw, _TOP_KEYS, "")
        tz = self.read_timezone(self.read_required(raw, "timezone", ""))
        normal = self.read_week(raw, "")
        summer = self.read_mapping(raw, "summer", "summer")
        self.check_keys(summer, _SUMMER_KEYS, "summer.")
        summer_start = self.read_month_day(
            self.read_required(summer, "start", "summer."), "summer.start"
        )
        summer_end = self.read_month_day(self.read_required(summer, "end", "summer."), "summer.end")
        summer_week = self.read_week(summer, "summer.")
        closed_on_holidays = self.read_required(raw, "closed_on_public_holidays", "")
        if not isinstance(closed_on_holidays, bool):
            raise self.error("closed_on_public_holidays", "must be true or false")
        extra_closed = frozenset(
            self.read_date(value, f"extra_closed[{n}]")
            for n, value in enumerate(self.read_list(raw, "extra_closed"))
        )
        extra_open = self.read_extra_open(self.read_list(raw, "extra_open"))
        both = sorted(extra_closed & extra_open.keys())
        if both:
            raise self.error("extra_open", f"and extra_closed both have {both[0].isoformat()}")
        return OpeningHours(
            timezone=tz,
            normal=normal,
            summer=summer_week,
            summer_start=summer_start,
            summer_end=summer_end,
            closed_on_public_holidays=closed_on_holidays,
            extra_closed=extra_closed,
            extra_open=MappingProxyType(extra_open),
        )

    def check_keys(self, raw: dict[Any, Any], allowed: set[str], prefix: str) -> None:
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            raise self.error(f"{prefix}{unknown[0]}", "is not a known field (check the spelling)")

    def read_required(self, raw: dict[Any, Any], key: str, prefix: str) -> Any:
        if raw.get(key) is None:
            raise self.error(f"{prefix}{key}", "is missing")
        return raw[key]

    def read_mapping(self, raw: dict[Any, Any], key: str, field: str) -> dict[Any, Any]:
        value = self.read_required(raw, key, field.removesuffix(key))
        if not isinstance(value, dict):
            raise self.error(field, "must be a mapping of fields")
        return value

    def read_list(self, raw: dict[Any, Any], key: str) -> list[Any]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, "must be a list (use [] for none)")
        return value

    def read_timezone(self, value: Any) -> ZoneInfo:
        if not isinstance(value, str):
            raise self.error("timezone", "must be a time zone name such as Europe/Stockholm")
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise self.error(
                "timezone", f"must be a time zone name such as Europe/Stockholm, not {value!r}"
            ) from exc

    def read_week(self, raw: dict[Any, Any], prefix: str) -> WeekHours:
        return WeekHours(
            monday_to_thursday=self.read_hours(raw, "monday_to_thursday", prefix),
            friday=self.read_hours(raw, "friday", prefix),
        )

    def read_hours(self, raw: dict[Any, Any], key: str, prefix: str) -> tuple[time, time]:
        field = f"{prefix}{key}"
        value = self.read_mapping(raw, key, field)
        self.check_keys(value, _HOURS_KEYS, f"{field}.")
        return self.read_opens_closes(value, field)

    def read_opens_closes(self, raw: dict[Any, Any], field: str) -> tuple[time, time]:
        opens = self.read_time(self.read_required(raw, "opens", f"{field}."), f"{field}.opens")
        closes = self.read_time(self.read_required(raw, "closes", f"{field}."), f"{field}.closes")
        if not opens < closes:
            raise self.error(f"{field}.closes", f"must be later than {field}.opens")
        return opens, closes

    def read_time(self, value: Any, field: str) -> time:
        if not isinstance(value, str):
            raise self.error(field, 'must be HH:MM, in quotes (e.g. "16:30")')
        match = _TIME.fullmatch(value)
        if match is None:
            raise self.error(field, "must be HH:MM")
        return time(int(match[1]), int(match[2]))

    def read_date(self, value: Any, field: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(field, "must be a date YYYY-MM-DD")

    def read_month_day(self, value: Any, field: str) -> tuple[int, int]:
        match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
        if match is not None:
            month, day = int(match[1]), int(match[2])
            try:
                date(2000, month, day)  # a leap year, so 02-29 is allowed
            except ValueError:
                pass
            else:
                return month, day
        raise self.error(field, 'must be a month and day "MM-DD", in quotes (e.g. "05-01")')

    def read_extra_open(self, entries: list[Any]) -> dict[date, tuple[time, time]]:
        days: dict[date, tuple[time, time]] = {}
        for n, entry in enumerate(entries):
            field = f"extra_open[{n}]"
            if not isinstance(entry, dict):
                raise self.error(field, "must have date, opens and closes")
            self.check_keys(entry, _EXTRA_OPEN_KEYS, f"{field}.")
            day = self.read_date(self.read_required(entry, "date", f"{field}."), f"{field}.date")
            if day in days:
                raise self.error(f"{field}.date", f"{day.isoformat()} is listed twice")
            days[day] = self.read_opens_closes(entry, field)
        return days
