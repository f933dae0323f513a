"""The .ics files open in calendar programs: RFC 5545 line endings, folding and escaping."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.calendar_file import CalendarEvent, calendar


def test_long_lines_are_folded_and_text_is_escaped() -> None:
    event = CalendarEvent(
        uid="K7MX3P@guiderum.stockholm",
        starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        minutes=45,
        summary="Möte med handläggare – Järva; tolk, arabiska",
        location="Borgarfjordsgatan 14, Kista",
        description="اجتماع مع الموظف " * 10,
    )
    text = calendar([event], "Järva", datetime(2026, 11, 23, tzinfo=UTC))
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART:20261201T090000Z" in lines
    assert "DTEND:20261201T094500Z" in lines
    assert "SUMMARY:Möte med handläggare – Järva\\; tolk\\, arabiska" in lines
    unfolded = text.replace("\r\n ", "")
    assert "اجتماع مع الموظف " * 10 in unfolded.replace("\\,", ",")
    assert text.endswith("END:VCALENDAR\r\n")
