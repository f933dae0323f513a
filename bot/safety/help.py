"""The help an acute message gets first: what to do now and whom to call, as tappable links."""

from __future__ import annotations

from bot.schemas import Button, Link, MessageOut
from bot.services.languages import Language

TALK_TO_PERSON_PAYLOAD = "/contact_person"
# Which numbers (keys in bot/contacts.yml) each situation shows, most urgent first.
HELP_LINES = {
    "suicide": ("emergency_phone", "suicide_line_phone", "healthcare_phone"),
    "violence": ("emergency_phone", "kvinnofridslinjen_phone", "socialjouren_phone"),
    "child": ("emergency_phone", "socialjouren_phone", "contact_centre_phone"),
    "no_food_shelter": ("contact_centre_phone", "socialjouren_phone", "emergency_phone"),
}
# When the contact centre is closed (evenings, nights, weekends, holidays) the social services'
# out-of-hours service answers instead: its number comes first, the closed one last.
HELP_LINES_CLOSED = {
    **HELP_LINES,
    "no_food_shelter": ("socialjouren_phone", "emergency_phone", "contact_centre_phone"),
}


def acute_help(
    kind: str, language: Language, contacts: dict[str, str], contact_centre_open: bool = True
) -> MessageOut:
    """Usage: acute_help("violence", languages.get("en"), load_contacts(), hours.is_open(now))"""
    lines = HELP_LINES if contact_centre_open else HELP_LINES_CLOSED
    links = [call_link(key, language, contacts) for key in lines[kind]]
    if kind == "child":
        links.append(
            Link(title=language.acute["report_concern"], url=contacts["concern_report_url"])
        )
    # In opening hours a person can take the chat now, at the front of the queue.
    buttons = (
        [Button(title=language.acute["talk_now"], payload=TALK_TO_PERSON_PAYLOAD)]
        if contact_centre_open
        else []
    )
    return MessageOut(text=language.acute[kind].format(**contacts), links=links, buttons=buttons)


def call_link(key: str, language: Language, contacts: dict[str, str]) -> Link:
    """A tappable link to the number `key` in bot/contacts.yml, titled in `language`."""
    name, number = contacts[f"{key}_name"], contacts[key]
    if name == number:  # "Call 112", not "Call 112 112"
        title = language.acute["call_number"].format(number=number)
    else:
        title = language.acute["call"].format(name=name, number=number)
    return Link(title=title, url=contacts[f"{key}_tel"])
