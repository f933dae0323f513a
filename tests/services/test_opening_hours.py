"""Opening hours of the contact centre: normal and summer hours, holidays, next opening, DST.

Every moment is an explicit aware datetime; nothing reads the real clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.services.opening_hours import (
    OPENING_HOURS_FILE,
    OpeningHours,
    easter_sunday,
    swedish_public_holidays,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = timezone.utc
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Stockholm."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def weekday(moment: datetime | date, expected: int) -> None:
    """Guards the test data itself: the day really is the weekday the test is about."""
    assert moment.weekday() == expected


@pytest.fixture(scope="module")
def hours() -> OpeningHours:
    return OpeningHours.load()


# --- normal hours (outside 1 May – 31 August) ------------------------------------------------


def test_open_on_a_november_tuesday_morning(hours: OpeningHours) -> None:
    moment = at(2026, 11, 24, 10)
    weekday(moment, TUE)
    assert hours.is_open(moment)
    assert hours.hours_on(moment.date()) == (time(8, 0), time(16, 30))


def test_november_tuesday_closes_at_16_30(hours: OpeningHours) -> None:
    assert hours.is_open(at(2026, 11, 24, 16, 15))
    assert hours.is_open(at(2026, 11, 24, 16, 29))
    assert not hours.is_open(at(2026, 11, 24, 16, 30))  # closing time is exclusive
    assert not hours.is_open(at(2026, 11, 24, 16, 45))


def test_opens_at_08_00(hours: OpeningHours) -> None:
    assert not hours.is_open(at(2026, 11, 24, 7, 59))
    assert hours.is_open(at(2026, 11, 24, 8, 0))


def test_october_friday_closes_at_16_00(hours: OpeningHours) -> None:
    friday = at(2026, 10, 16, 15, 30)
    weekday(friday, FRI)
    assert hours.is_open(friday)
    assert not hours.is_open(at(2026, 10, 16, 16, 0))
    assert hours.hours_on(friday.date()) == (time(8, 0), time(16, 0))


# --- summer hours (1 May – 31 August, inclusive) ----------------------------------------------


def test_july_friday_closes_at_15_00(hours: OpeningHours) -> None:
    friday = at(2026, 7, 17, 15, 30)
    weekday(friday, FRI)
    assert not hours.is_open(friday)
    assert hours.is_open(at(2026, 7, 17, 14, 59))
    assert hours.hours_on(friday.date()) == (time(8, 0), time(15, 0))


def test_june_monday_closes_at_16_00(hours: OpeningHours) -> None:
    monday = at(2026, 6, 15, 16, 15)
    weekday(monday, MON)
    assert not hours.is_open(monday)
    assert hours.is_open(at(2026, 6, 15, 15, 59))
    assert hours.hours_on(monday.date()) == (time(8, 0), time(16, 0))


@pytest.mark.parametrize(
    ("day", "summer"),
    [
        (date(2026, 4, 30), False),  # Thursday before the period
        (date(2026, 5, 4), True),  # first weekday in the period (1 May is a holiday)
        (date(2026, 8, 31), True),  # last day of the period, inclusive
        (date(2026, 9, 1), False),  # the day after
    ],
)
def test_summer_period_bounds(hours: OpeningHours, day: date, summer: bool) -> None:
    assert day.weekday() in (MON, TUE, WED, THU)
    closes = time(16, 0) if summer else time(16, 30)
    assert hours.hours_on(day) == (time(8, 0), closes)


# --- closed days ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 11, 28), date(2026, 11, 29), date(2026, 7, 18)])
def test_closed_at_weekends(hours: OpeningHours, day: date) -> None:
    assert day.weekday() in (SAT, SUN)
    assert hours.hours_on(day) is None
    assert not hours.is_open(datetime.combine(day, time(10, 0), tzinfo=STOCKHOLM))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "nyårsdagen"),
        (date(2026, 1, 6), "trettondedag jul"),
        (date(2026, 4, 3), "långfredagen"),
        (date(2026, 4, 6), "annandag påsk"),
        (date(2026, 5, 1), "första maj"),
        (date(2026, 5, 14), "Kristi himmelfärds dag"),
        (date(2026, 6, 6), "Sveriges nationaldag"),
        (date(2026, 6, 19), "midsommarafton"),
        (date(2026, 12, 24), "julafton"),
        (date(2026, 12, 25), "juldagen"),
        (date(2026, 12, 31), "nyårsafton"),
        (date(2027, 3, 26), "långfredagen"),
        (date(2027, 5, 6), "Kristi himmelfärds dag"),
        (date(2027, 6, 25), "midsommarafton"),
    ],
)
def test_closed_on_public_holidays_and_eves(hours: OpeningHours, day: date, name: str) -> None:
    assert swedish_public_holidays(day.year)[day] == name
    assert hours.hours_on(day) is None
    assert not hours.is_open(datetime.combine(day, time(10, 0), tzinfo=STOCKHOLM))


def test_open_on_the_weekday_before_a_holiday(hours: OpeningHours) -> None:
    assert hours.is_open(at(2026, 12, 23, 10))  # Wednesday before julafton
    assert hours.is_open(at(2026, 4, 2, 10))  # skärtorsdagen is a working day
    assert hours.is_open(at(2026, 6, 18, 10))  # Thursday before midsommarafton


def test_all_holidays_in_2026() -> None:
    assert swedish_public_holidays(2026) == {
        date(2026, 1, 1): "nyårsdagen",
        date(2026, 1, 6): "trettondedag jul",
        date(2026, 4, 3): "långfredagen",
        date(2026, 4, 4): "påskafton",
        date(2026, 4, 5): "påskdagen",
        date(2026, 4, 6): "annandag påsk",
        date(2026, 5, 1): "första maj",
        date(2026, 5, 14): "Kristi himmelfärds dag",
        date(2026, 5, 24): "pingstdagen",
        date(2026, 6, 6): "Sveriges nationaldag",
        date(2026, 6, 19): "midsommarafton",
        date(2026, 6, 20): "midsommardagen",
        date(2026, 10, 31): "alla helgons dag",
        date(2026, 12, 24): "julafton",
        date(2026, 12, 25): "juldagen",
        date(2026, 12, 26): "annandag jul",
        date(2026, 12, 31): "nyårsafton",
    }


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2008, date(2008, 3, 23)),  # early
        (2038, date(2038, 4, 25)),  # latest possible
        (2285, date(2285, 3, 22)),  # earliest possible
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter
    assert swedish_public_holidays(year)[easter] == "påskdagen"


@pytest.mark.parametrize(
    ("year", "midsommarafton", "alla_helgons_dag"),
    [
        (2025, date(2025, 6, 20), date(2025, 11, 1)),
        (2026, date(2026, 6, 19), date(2026, 10, 31)),
        (2027, date(2027, 6, 25), date(2027, 11, 6)),
        (2028, date(2028, 6, 23), date(2028, 11, 4)),
    ],
)
def test_moving_midsummer_and_all_saints(
    year: int, midsommarafton: date, alla_helgons_dag: date
) -> None:
    holidays = swedish_public_holidays(year)
    assert holidays[midsommarafton] == "midsommarafton"
    assert holidays[midsommarafton + timedelta(days=1)] == "midsommardagen"
    assert holidays[alla_helgons_dag] == "alla helgons dag"


def test_two_holidays_on_one_day_keep_both_names() -> None:
    # Easter 2008 was 23 March, so Kristi himmelfärds dag fell on 1 May.
    assert swedish_public_holidays(2008)[date(2008, 5, 1)] == "första maj, Kristi himmelfärds dag"


# --- next opening -----------------------------------------------------------------------------


def test_next_opening_when_open_is_now(hours: OpeningHours) -> None:
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 10:30 in Stockholm
    opening = hours.next_opening(moment)
    assert opening == moment
    assert opening.tzinfo == STOCKHOLM


def test_next_opening_before_opening_is_the_same_day(hours: OpeningHours) -> None:
    assert hours.next_opening(at(2026, 11, 24, 7, 0)) == at(2026, 11, 24, 8, 0)


def test_next_opening_after_closing_is_the_next_day(hours: OpeningHours) -> None:
    assert hours.next_opening(at(2026, 11, 24, 16, 30)) == at(2026, 11, 25, 8, 0)


def test_next_opening_from_friday_evening_is_monday(hours: OpeningHours) -> None:
    friday = at(2026, 11, 27, 17, 0)
    weekday(friday, FRI)
    opening = hours.next_opening(friday)
    assert opening == at(2026, 11, 30, 8, 0)
    assert opening.tzinfo == STOCKHOLM
    assert (opening.year, opening.month, opening.day, opening.hour) == (2026, 11, 30, 8)


def test_next_opening_over_christmas(hours: OpeningHours) -> None:
    # 24 julafton, 25 juldagen, 26 annandag jul (Saturday), 27 Sunday
    opening = hours.next_opening(at(2026, 12, 24, 9, 0))
    assert opening == at(2026, 12, 28, 8, 0)
    weekday(opening, MON)


def test_next_opening_over_new_year(hours: OpeningHours) -> None:
    # 31 nyårsafton, 1 Jan 2027 nyårsdagen (Friday), 2–3 Jan weekend
    opening = hours.next_opening(at(2026, 12, 31, 10, 0))
    assert opening == at(2027, 1, 4, 8, 0)
    weekday(opening, MON)


def test_next_opening_over_easter(hours: OpeningHours) -> None:
    # skärtorsdagen evening → långfredagen, påskafton, påskdagen, annandag påsk → Tuesday
    assert hours.next_opening(at(2026, 4, 2, 17, 0)) == at(2026, 4, 7, 8, 0)


# --- daylight saving time ---------------------------------------------------------------------


def test_next_opening_after_clocks_go_forward(hours: OpeningHours) -> None:
    # 2026-03-29 (Sunday) 02:00 CET → 03:00 CEST
    for moment in (at(2026, 3, 27, 17, 0), at(2026, 3, 29, 1, 30), at(2026, 3, 29, 12, 0)):
        opening = hours.next_opening(moment)
        assert opening.isoformat() == "2026-03-30T08:00:00+02:00"
        assert opening.astimezone(UTC) == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


def test_next_opening_after_clocks_go_back(hours: OpeningHours) -> None:
    # 2026-10-25 (Sunday) 03:00 CEST → 02:00 CET
    for moment in (at(2026, 10, 23, 17, 0), at(2026, 10, 25, 1, 30), at(2026, 10, 25, 12, 0)):
        opening = hours.next_opening(moment)
        assert opening.isoformat() == "2026-10-26T08:00:00+01:00"
        assert opening.astimezone(UTC) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_summer_time_offset_is_used_for_utc_input(hours: OpeningHours) -> None:
    # June: UTC+2, so 06:30 UTC is 08:30 in Stockholm (open); a fixed +01:00 would say 07:30.
    assert hours.is_open(datetime(2026, 6, 16, 6, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 6, 16, 5, 30, tzinfo=UTC))


# --- input time zones -------------------------------------------------------------------------


def test_utc_input_is_converted_to_stockholm(hours: OpeningHours) -> None:
    assert hours.is_open(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))  # 08:30 in Stockholm
    assert not hours.is_open(datetime(2026, 11, 24, 15, 45, tzinfo=UTC))  # 16:45 in Stockholm
    # 23:30 UTC on Sunday is already 00:30 on Monday in Stockholm
    assert hours.next_opening(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == at(2026, 11, 30, 8)
    assert hours.next_opening(datetime(2026, 11, 27, 22, 30, tzinfo=UTC)) == at(2026, 11, 30, 8)


def test_other_time_zone_input(hours: OpeningHours) -> None:
    new_york = ZoneInfo("America/New_York")
    assert hours.is_open(datetime(2026, 11, 24, 3, 0, tzinfo=new_york))  # 09:00 in Stockholm
    assert hours.is_open(datetime(2026, 11, 24, 10, 15, tzinfo=new_york))  # 16:15
    assert not hours.is_open(datetime(2026, 11, 24, 10, 30, tzinfo=new_york))  # 16:30


def test_naive_datetime_is_refused(hours: OpeningHours) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.is_open(datetime(2026, 11, 24, 10, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.next_opening(datetime(2026, 11, 24, 10, 0))


# --- the file ---------------------------------------------------------------------------------


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], Path]:
    """Writes a copy of the real file, changed by `edit`, and returns its path."""

    def write(edit: Callable[[dict[str, Any]], None]) -> Path:
        config: dict[str, Any] = yaml.safe_load(OPENING_HOURS_FILE.read_text(encoding="utf-8"))
        edit(config)
        path = tmp_path / "opening_hours.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        return path

    return write


def test_the_file_has_the_documented_values() -> None:
    config = yaml.safe_load(OPENING_HOURS_FILE.read_text(encoding="utf-8"))
    assert config["timezone"] == "Europe/Stockholm"
    assert config["summer"]["start"] == "05-01"
    assert config["summer"]["end"] == "08-31"
    assert config["closed_on_public_holidays"] is True
    assert config["extra_closed"] == []
    assert config["extra_open"] == []


def _set(*keys_and_value: Any) -> Callable[[dict[str, Any]], None]:
    *keys, value = keys_and_value

    def edit(config: dict[str, Any]) -> None:
        target = config
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    def edit(config: dict[str, Any]) -> None:
        del config[key]

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set("friday", "closes", "4 pm"), "opening_hours.yml: friday.closes must be HH:MM"),
        (_set("friday", "closes", "16.00"), "opening_hours.yml: friday.closes must be HH:MM"),
        (_set("friday", "closes", 960), "opening_hours.yml: friday.closes must be HH:MM"),
        (_set("monday_to_thursday", "opens", "25:00"), "monday_to_thursday.opens must be HH:MM"),
        (_set("summer", "friday", "closes", "07:00"), "summer.friday.closes must be later than"),
        (_set("summer", "start", "13-01"), "summer.start must be a month and day"),
        (_set("summer", "end", "08-32"), "summer.end must be a month and day"),
        (_set("timezone", "Europe/Stockholmm"), "timezone must be a time zone name"),
        (_set("closed_on_public_holidays", "yes please"), "closed_on_public_holidays must be"),
        (_set("extra_closed", ["2026-13-01"]), "extra_closed[0] must be a date YYYY-MM-DD"),
        (_set("extra_closed", "2026-12-23"), "extra_closed must be a list"),
        (_set("extra_open", [{"date": "2026-12-23"}]), "extra_open[0].opens is missing"),
        (_set("fridya", {"opens": "08:00"}), "fridya is not a known field"),
        (_delete("monday_to_thursday"), "monday_to_thursday is missing"),
        (_delete("summer"), "summer is missing"),
    ],
)
def test_a_broken_file_names_the_field(
    write_config: Callable[[Callable[[dict[str, Any]], None]], Path],
    edit: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    path = write_config(edit)
    with pytest.raises(ValueError, match=re.escape(message)):
        OpeningHours.load(path)


def test_an_unquoted_time_is_explained(tmp_path: Path) -> None:
    text = OPENING_HOURS_FILE.read_text(encoding="utf-8")
    path = tmp_path / "opening_hours.yml"
    path.write_text(text.replace('closes: "16:30"', "closes: 16:30", 1), encoding="utf-8")
    with pytest.raises(
        ValueError, match=re.escape("opening_hours.yml: monday_to_thursday.closes must be HH:MM")
    ) as error:
        OpeningHours.load(path)
    assert "in quotes" in str(error.value)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "opening_hours.yml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("opening_hours.yml: must be a mapping")):
        OpeningHours.load(path)


def test_extra_closed_and_extra_open(
    write_config: Callable[[Callable[[dict[str, Any]], None]], Path],
) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["extra_closed"] = [date(2026, 11, 24), "2026-11-25"]  # unquoted and quoted
        config["extra_open"] = [{"date": "2026-11-28", "opens": "10:00", "closes": "14:00"}]

    hours = OpeningHours.load(write_config(edit))
    assert not hours.is_open(at(2026, 11, 24, 10))
    assert hours.hours_on(date(2026, 11, 25)) is None
    assert hours.is_open(at(2026, 11, 26, 10))
    assert hours.hours_on(date(2026, 11, 28)) == (time(10, 0), time(14, 0))  # a Saturday
    assert hours.is_open(at(2026, 11, 28, 13, 59))
    assert not hours.is_open(at(2026, 11, 28, 14, 0))
    assert hours.next_opening(at(2026, 11, 23, 17, 0)) == at(2026, 11, 26, 8)
    assert hours.next_opening(at(2026, 11, 27, 17, 0)) == at(2026, 11, 28, 10)


def test_extra_open_overrides_a_holiday(
    write_config: Callable[[Callable[[dict[str, Any]], None]], Path],
) -> None:
    hours = OpeningHours.load(
        write_config(
            _set("extra_open", [{"date": "2026-12-24", "opens": "09:00", "closes": "12:00"}])
        )
    )
    assert hours.is_open(at(2026, 12, 24, 11))
    assert not hours.is_open(at(2026, 12, 24, 12))
    assert hours.next_opening(at(2026, 12, 23, 17, 0)) == at(2026, 12, 24, 9)


def test_a_date_in_both_lists_is_refused(
    write_config: Callable[[Callable[[dict[str, Any]], None]], Path],
) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["extra_closed"] = ["2026-12-23"]
        config["extra_open"] = [{"date": "2026-12-23", "opens": "08:00", "closes": "12:00"}]

    with pytest.raises(ValueError, match=re.escape("extra_closed both have 2026-12-23")):
        OpeningHours.load(write_config(edit))


@pytest.mark.parametrize(
    ("start", "end", "day", "summer"),
    [
        ("11-15", "02-15", date(2026, 11, 24), True),  # a period over New Year
        ("11-15", "02-15", date(2027, 2, 15), True),
        ("11-15", "02-15", date(2026, 3, 3), False),
        ("09-01", "09-01", date(2026, 9, 1), True),  # a single day
        ("09-01", "09-01", date(2026, 9, 2), False),
    ],
)
def test_configurable_summer_period(
    write_config: Callable[[Callable[[dict[str, Any]], None]], Path],
    start: str,
    end: str,
    day: date,
    summer: bool,
) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["summer"]["start"] = start
        config["summer"]["end"] = end

    hours = OpeningHours.load(write_config(edit))
    assert day.weekday() in (MON, TUE, WED, THU)
    assert hours.hours_on(day) == (time(8, 0), time(16, 0) if summer else time(16, 30))
