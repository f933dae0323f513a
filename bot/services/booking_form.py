"""The booking dialogue: a form the citizen fills in one answer at a time, in their language.

Booking asks, in order: district, meeting type, interpreter (and its language), time, name,
phone, e-mail (optional), then shows a summary to confirm. Changing a booking asks for the
booking reference and the phone number given, then offers cancel, another time, or keep.

Rasa recognises that the citizen wants to book (or change) and says so with
`custom.booking: book|change`; the app runs the steps because each one is checked against the
city's own data (districts, free slots, the booking itself) and must be checked the same way
in every language. Every wrong answer gets a re-prompt that says what is expected; after
`max_failures` wrong answers in a row a person is offered. Where the citizen is in the form is
kept in `booking_drafts`, so it survives restarts and several app processes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Booking, BookingDraft, Conversation, ConversationEvent, as_utc
from bot.safety.help import TALK_TO_PERSON_PAYLOAD, call_link
from bot.schemas import Button, Link, MessageOut
from bot.services.booking import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    BookingDesk,
    BookingDetails,
    SlotTaken,
    clean_reference,
)
from bot.services.districts import District, DistrictDirectory, plain_words
from bot.services.handoff import normalise_phone
from bot.services.languages import LanguageRegistry, full_date
from bot.services.slots import STOCKHOLM, FreeSlot, SlotCalendar

CHOICE_INTENT = "booking_choice"  # the form's own buttons; never sent to Rasa
PURPOSES = ("book", "change")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class BookingRules:
    weeks_ahead: int = 3  # how far ahead citizens are offered times
    notice_hours: int = 12  # the earliest time offered is this far from now
    slots_per_page: int = 6
    max_failures: int = 3  # wrong answers in a row before a person is offered
    idle_minutes: int = 30  # a dialogue left this long is dropped


@dataclass(frozen=True)
class FormAnswer:
    """One citizen turn: a button's value, or typed text, both as the chat log keeps it
    (redacted, labels removed) and `raw` for phone and e-mail, which only the booking keeps."""

    choice: str | None = None
    text: str = ""
    raw: str = ""


@dataclass
class FormReply:
    messages: list[MessageOut]
    status: dict[str, Any]  # meta.booking
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def choice_payload(value: str) -> str:
    return f"/{CHOICE_INTENT}" + json.dumps({"value": value}, separators=(",", ":"))


def parse_choice(payload: str) -> str | None:
    """The value of one of the form's buttons, or None for any other payload."""
    prefix = f"/{CHOICE_INTENT}"
    if not payload.startswith(prefix):
        return None
    try:
        value = json.loads(payload[len(prefix) :]).get("value")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def meeting_time(moment: datetime, language: str) -> str:
    """'tisdag 1 december 2026 10:00' in the citizen's language, Stockholm time (CLDR's full
    date: grammatical in every language, unlike a pattern of our own)."""
    local = moment.astimezone(STOCKHOLM)
    return f"{full_date(local, language)} {local:%H:%M}"


class BookingForm:
    """Runs the booking and change-booking dialogues of a conversation.

    Usage:
        form = BookingForm(session, languages, districts, contacts, clock, BookingRules(),
                           calendar_url=lambda ref: f"https://…/{ref}.ics", bring=lambda lang: [])
        reply = form.start(conversation, "book")
        reply = form.answer(conversation, form.draft(conversation), FormAnswer(text="Tensta"))
    """

    def __init__(
        self,
        session: Session,
        languages: LanguageRegistry,
        districts: DistrictDirectory,
        contacts: dict[str, str],
        clock: Callable[[], datetime],
        rules: BookingRules,
        calendar_url: Callable[[str], str],
        bring: Callable[[str], list[MessageOut]],
    ) -> None:
        self.session = session
        self.languages = languages
        self.districts = districts
        self.contacts = contacts
        self.clock = clock
        self.rules = rules
        self.calendar_url = calendar_url
        self.bring = bring
        self.slots = SlotCalendar(session, districts)
        self.desk = BookingDesk(session)

    # -- the dialogue -----------------------------------------------------------------------------

    def draft(self, conversation: Conversation) -> BookingDraft | None:
        """The dialogue in progress; one left idle for `idle_minutes` is dropped, so a citizen
        who comes back later with a question gets an answer, not the form's next question."""
        draft = self.session.get(BookingDraft, conversation.id)
        if draft is None:
            return None
        if as_utc(draft.updated_at) < self.clock() - timedelta(minutes=self.rules.idle_minutes):
            self.session.delete(draft)
            self.session.add(ConversationEvent(
                conversation_id=conversation.id, kind="booking_stopped",
                data={"purpose": draft.purpose, "step": draft.step, "idle": True},
            ))  # fmt: skip
            self.session.commit()
            return None
        return draft

    def start(self, conversation: Conversation, purpose: str) -> FormReply:
        purpose = purpose if purpose in PURPOSES else "book"
        draft = self.draft(conversation)
        if draft is not None:
            self.session.delete(draft)
            self.session.flush()
        first = "district" if purpose == "book" else "reference"
        draft = BookingDraft(
            conversation_id=conversation.id, purpose=purpose, step=first, answers={}, failures=0,
            updated_at=self.clock(),
        )  # fmt: skip
        self.session.add(draft)
        intro = [MessageOut(text=self._text(conversation, "start"))] if purpose == "book" else []
        reply = FormReply(intro + self._ask(conversation, draft), self._status(draft))
        reply.events.append(("booking_started", {"purpose": purpose}))
        return reply

    def answer(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> FormReply:
        answers = dict(draft.answers)
        answers["turns"] = int(answers.get("turns", 0)) + 1
        draft.answers, draft.updated_at = answers, self.clock()
        if answer.choice == "stop" or self._is_stop_word(conversation, answer):
            return self.stop(conversation, draft)
        take = getattr(self, f"_take_{draft.step}")
        outcome: FormReply | str | _Retry = take(conversation, draft, answer)
        if isinstance(outcome, FormReply):
            return outcome
        if isinstance(outcome, _Retry):
            draft.failures += 1 if outcome.counts else 0
            messages = [*outcome.before, *self._ask(conversation, draft, retry=outcome)]
            if draft.failures >= self.rules.max_failures:
                messages.append(self._offer_person(conversation))
            return FormReply(messages, self._status(draft))
        before = outcome.messages if isinstance(outcome, _Advance) else []
        draft.step, draft.failures = str(outcome), 0
        return FormReply([*before, *self._ask(conversation, draft)], self._status(draft))

    def stop(
        self, conversation: Conversation, draft: BookingDraft, quiet: bool = False
    ) -> FormReply:
        self.session.delete(draft)
        messages = [] if quiet else [MessageOut(text=self._text(conversation, "stopped"))]
        reply = FormReply(messages, {"purpose": draft.purpose, "step": "stopped"})
        reply.events.append(("booking_stopped", {"purpose": draft.purpose, "step": draft.step}))
        return reply

    def record(self, conversation: Conversation, reply: FormReply) -> None:
        for kind, data in reply.events:
            self.session.add(
                ConversationEvent(conversation_id=conversation.id, kind=kind, data=data)
            )

    # -- questions --------------------------------------------------------------------------------

    def _ask(
        self, conversation: Conversation, draft: BookingDraft, retry: _Retry | None = None
    ) -> list[MessageOut]:
        step = draft.step
        if step == "slot":
            return self._offer_slots(conversation, draft, retry)
        question = self._question(conversation, draft)
        if retry is not None:
            problem = self._text(conversation, retry.key)
            question = f"{problem}\n\n{question}" if step in _CONTEXT_STEPS else problem
        buttons = [
            self._button(conversation, key, value)
            for value, key in self._options(conversation, draft)
        ]
        if step == "interpreter" and not conversation.language.startswith("sv"):
            name = self.languages.get(conversation.language).name
            title = self._text(conversation, "interpreter_in", language=name)
            value = f"language:{conversation.language}"
            buttons.insert(0, Button(title=title, payload=choice_payload(value)))
        if step == "district" and retry is not None and retry.districts:
            buttons[:0] = [
                Button(title=d.name, payload=choice_payload(f"district:{d.id}"))
                for d in retry.districts
            ]
        buttons.append(self._button(conversation, "stop", "stop"))
        return [MessageOut(text=question, buttons=buttons)]

    def _question(self, conversation: Conversation, draft: BookingDraft) -> str:
        language = conversation.language
        if draft.step == "confirm":
            question = self._text(conversation, "confirm_question")
            return f"{self._summary(conversation, draft)}\n\n{question}"
        if draft.step == "confirm_move":
            when = meeting_time(datetime.fromisoformat(draft.answers["starts_at"]), language)
            return self._text(conversation, "confirm_move", when=when)
        if draft.step == "change":
            booking = self._booking(draft)
            when = meeting_time(as_utc(booking.starts_at), language)
            place = self._place(conversation, booking.district)
            return self._text(conversation, "found", when=when, place=place)
        return self._text(conversation, _QUESTIONS[draft.step])

    def _options(self, conversation: Conversation, draft: BookingDraft) -> list[tuple[str, str]]:
        """(value, locale key) of the buttons a step offers besides 'stop'."""
        return {
            "district": [("homeless", "homeless_button"), ("change", "change_instead")],
            "reference": [("book", "book_instead")],
            "meeting_type": [("apply", "type_apply"), ("information", "type_information")],
            "interpreter": [("other", "interpreter_other"), ("no", "interpreter_no")],
            "email": [("skip", "skip_email")],
            "confirm": [("confirm", "confirm")],
            "change": [
                ("cancel", "cancel_meeting"), ("move", "move_meeting"), ("keep", "keep_meeting")
            ],
            "confirm_move": [("confirm", "confirm_move_yes")],
        }.get(draft.step, [])  # fmt: skip

    def _offer_slots(
        self, conversation: Conversation, draft: BookingDraft, retry: _Retry | None
    ) -> list[MessageOut]:
        district = self._district(draft)
        now = self.clock()
        earliest = now + timedelta(hours=self.rules.notice_hours)
        latest = now + timedelta(weeks=self.rules.weeks_ahead)
        after = draft.answers.get("after")
        start = datetime.fromisoformat(after) + timedelta(seconds=1) if after else earliest
        page = self.slots.free_slots(district.id, start, latest, self.rules.slots_per_page)
        note: list[MessageOut] = []
        if not page and after:  # the citizen paged past the last free time: start over
            note = [MessageOut(text=self._text(conversation, "no_more_slots"))]
            page = self.slots.free_slots(district.id, earliest, latest, self.rules.slots_per_page)
        if not page:
            return [self._no_slots(conversation, district)]
        draft.answers = {
            **draft.answers,
            "offered": [slot.id for slot in page],
            "page_end": page[-1].starts_at.isoformat(),
        }
        key = retry.key if retry else "ask_slot"
        buttons = [
            Button(title=meeting_time(slot.starts_at, conversation.language),
                   payload=choice_payload(f"slot:{slot.id}"))
            for slot in page
        ]  # fmt: skip
        if len(page) == self.rules.slots_per_page:
            buttons.append(self._button(conversation, "later_times", "later"))
        buttons.append(self._button(conversation, "stop", "stop"))
        text = self._text(conversation, key, district=district.name)
        return [*note, MessageOut(text=text, buttons=buttons)]

    def _no_slots(self, conversation: Conversation, district: District) -> MessageOut:
        return MessageOut(
            text=self._text(conversation, "no_slots", district=district.name),
            buttons=[
                self._talk_to_person(conversation),
                self._button(conversation, "stop", "stop"),
            ],
            links=[
                call_link(
                    "contact_centre_phone", self.languages.get(conversation.language), self.contacts
                )
            ],
        )

    # -- answers: booking -------------------------------------------------------------------------

    def _take_district(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | FormReply | _Retry:
        if answer.choice == "change":  # Rasa heard "book", the citizen meant a booked meeting
            return self.start(conversation, "change")
        if answer.choice == "homeless" or self._says_homeless(conversation, answer.text):
            unit = self.districts.homeless_unit
            text = self._text(
                conversation, "homeless", unit=unit.name, address=unit.address, phone=unit.phone
            )
            return _Retry(
                "ask_district",
                before=[MessageOut(text=text, links=[Link(title=unit.name, url=unit.source)])],
                counts=False,
            )
        district = None
        if answer.choice and answer.choice.startswith("district:"):
            district = self.districts.get(answer.choice.removeprefix("district:"))
        if district is None and answer.text:
            placement = self.districts.place(answer.text)
            if placement.other_municipality:
                text = self._text(
                    conversation, "other_municipality", place=placement.other_municipality
                )
                return _Retry("ask_district", before=[MessageOut(text=text)], counts=False)
            if len(placement.districts) > 1:
                return _Retry("district_which", districts=placement.districts, counts=False)
            district = placement.district
        if district is None:
            return _Retry("district_unknown", districts=list(self.districts.districts.values()))
        draft.answers = {**draft.answers, "district": district.id}
        found = self._text(conversation, "district_found", district=district.name)
        if not district.checked:
            found += " " + self._text(conversation, "district_unchecked", **self.contacts)
        return _Advance("meeting_type", [MessageOut(text=found)])

    def _take_meeting_type(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        value = self._pick(conversation, draft, answer)
        if value is None:
            return _Retry("choose_action")
        draft.answers = {**draft.answers, "meeting_type": value}
        return "interpreter"

    def _take_interpreter(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        value = answer.choice or self._pick(conversation, draft, answer)
        if value == "no":
            draft.answers = {**draft.answers, "interpreter": None}
            return "slot"
        if value == "other":
            return "interpreter_language"
        if value and value.startswith("language:"):
            draft.answers = {**draft.answers, "interpreter": value.removeprefix("language:")}
            return "slot"
        if answer.text and not answer.choice:  # "arabiska": the language itself
            return self._take_interpreter_language(conversation, draft, answer)
        return _Retry("choose_action")

    def _take_interpreter_language(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        text = answer.text.strip()
        if not (2 <= len(text) <= 40) or not all(c.isalpha() or c in " -" for c in text):
            return _Retry("interpreter_language_invalid")
        known = {plain_words(lang.name): lang.code for lang in self.languages.all()}
        draft.answers = {**draft.answers, "interpreter": known.get(plain_words(text), text)}
        return "slot"

    def _take_slot(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | FormReply | _Retry:
        if answer.choice == "later":
            draft.answers = {**draft.answers, "after": draft.answers.get("page_end")}
            return FormReply(self._ask(conversation, draft), self._status(draft))
        slot_id = self._chosen_slot(draft, answer)
        if slot_id is None:
            return _Retry("slot_unknown")
        now = self.clock()
        slot = self.slots.free_slot(
            slot_id, self._district(draft).id, now, now + timedelta(weeks=self.rules.weeks_ahead)
        )
        if slot is None:
            return _Retry("slot_taken", counts=False)
        self._keep_slot(draft, slot)
        if draft.purpose == "change":
            return "confirm_move"
        # After a lost slot the citizen has given the rest already: straight to the summary.
        return next(
            (step for step in ("name", "phone", "email") if step not in draft.answers), "confirm"
        )

    def _take_name(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        name = answer.text.strip()
        if not (2 <= len(name) <= 100) or not _NAME.match(name):
            return _Retry("name_invalid")
        draft.answers = {**draft.answers, "name": name}
        return "phone"

    def _take_phone(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        phone = normalise_phone(answer.raw)
        if phone is None:
            return _Retry("phone_invalid")
        draft.answers = {**draft.answers, "phone": phone}
        return "email"

    def _take_email(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        if self._pick(conversation, draft, answer) == "skip":
            draft.answers = {**draft.answers, "email": None}
            return "confirm"
        email = answer.raw.strip()
        if len(email) > 254 or not _EMAIL.match(email):
            return _Retry("email_invalid")
        draft.answers = {**draft.answers, "email": email}
        return "confirm"

    def _take_confirm(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> FormReply | _Retry:
        if self._pick(conversation, draft, answer) != "confirm":
            return _Retry("confirm_unknown")
        a = draft.answers
        details = BookingDetails(
            slot_id=a["slot"], meeting_type=a["meeting_type"],
            interpreter_language=a.get("interpreter"), name=a["name"], phone=a["phone"],
            email=a.get("email"), language=conversation.language, conversation_id=conversation.id,
        )  # fmt: skip
        try:
            booking = self.desk.book(details, self.clock())
        except SlotTaken:
            return self._slot_lost(conversation, draft)
        self.session.delete(draft)
        messages = [
            self._booked(conversation, booking, "booked"),
            *self.bring(conversation.language),
        ]
        reply = FormReply(messages, self._final_status(draft, booking, "booked"))
        reply.events.append(("booking_made", self._event(draft, booking)))
        return reply

    # -- answers: changing a booking --------------------------------------------------------------

    def _take_reference(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | FormReply | _Retry:
        if answer.choice == "book":
            return self.start(conversation, "book")
        reference = clean_reference(answer.text)
        if len(reference) != REFERENCE_LENGTH or any(
            c not in REFERENCE_ALPHABET for c in reference
        ):
            return _Retry("reference_invalid")
        draft.answers = {**draft.answers, "reference": reference}
        return "phone_check"

    def _take_phone_check(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | _Retry:
        phone = normalise_phone(answer.raw)
        if phone is None:
            return _Retry("phone_invalid")
        booking = self.desk.find(draft.answers["reference"], phone, self.clock())
        if booking is None:
            draft.step = "reference"
            return _Retry("not_found")
        draft.answers = {**draft.answers, "booking": booking.id, "district": booking.district}
        return "change"

    def _take_change(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | FormReply | _Retry:
        value = self._pick(conversation, draft, answer)
        booking = self.session.get(Booking, draft.answers["booking"])
        if value is None or booking is None:
            return _Retry("choose_action")
        if value == "move":
            return "slot"
        self.session.delete(draft)
        if value == "keep":
            return FormReply(
                [MessageOut(text=self._text(conversation, "kept"))],
                self._final_status(draft, booking, "kept"),
            )
        when = meeting_time(as_utc(booking.starts_at), conversation.language)
        self.desk.cancel(booking, self.clock())
        reply = FormReply(
            [MessageOut(text=self._text(conversation, "cancelled", when=when))],
            self._final_status(draft, booking, "cancelled"),
        )
        reply.events.append(("booking_cancelled", {"district": booking.district}))
        return reply

    def _take_confirm_move(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> FormReply | _Retry:
        if self._pick(conversation, draft, answer) != "confirm":
            return _Retry("choose_action")
        booking = self.session.get(Booking, draft.answers["booking"])
        if booking is None or booking.status != "booked":
            return self.stop(conversation, draft)
        try:
            self.desk.move(booking, draft.answers["slot"], self.clock())
        except SlotTaken:
            return self._slot_lost(conversation, draft)
        self.session.delete(draft)
        reply = FormReply(
            [self._booked(conversation, booking, "moved")],
            self._final_status(draft, booking, "moved"),
        )
        reply.events.append(("booking_moved", {"district": booking.district}))
        return reply

    # -- helpers ----------------------------------------------------------------------------------

    def _slot_lost(self, conversation: Conversation, draft: BookingDraft) -> FormReply:
        """Someone else won the slot: offer other times, keep every other answer."""
        draft.step = "slot"
        draft.answers = {
            k: v for k, v in draft.answers.items() if k not in ("slot", "starts_at", "after")
        }
        return FormReply(
            self._offer_slots(conversation, draft, _Retry("slot_taken")), self._status(draft)
        )

    def _booked(self, conversation: Conversation, booking: Booking, key: str) -> MessageOut:
        when = meeting_time(as_utc(booking.starts_at), conversation.language)
        place = self._place(conversation, booking.district)
        text = self._text(conversation, key, when=when, place=place, reference=booking.reference)
        title = self._text(conversation, "calendar_link")
        link = Link(title=title, url=self.calendar_url(booking.reference))
        return MessageOut(text=text, links=[link])

    def _place(self, conversation: Conversation, district_id: str) -> str:
        """Where the meeting is: the office's address where the city publishes it."""
        district = self.districts.get(district_id)
        name = district.name if district else district_id
        if district and district.address:
            return self._text(conversation, "office_at", district=name, address=district.address)
        office = self._text(conversation, "office", district=name)
        return f"{office}. {self._text(conversation, 'office_unknown_address')}"

    def _summary(self, conversation: Conversation, draft: BookingDraft) -> str:
        a = draft.answers
        interpreter = str(a.get("interpreter") or "")
        if interpreter in self.languages:
            interpreter = self.languages.get(interpreter).name
        type_key = "type_apply" if a.get("meeting_type") == "apply" else "type_information"
        rows = [
            ("label_type", self._text(conversation, type_key)),
            ("label_where", self._district(draft).name),
            (
                "label_when",
                meeting_time(datetime.fromisoformat(a["starts_at"]), conversation.language),
            ),
            ("label_interpreter", interpreter or self._text(conversation, "none")),
            ("label_name", a.get("name", "")),
            ("label_phone", a.get("phone", "")),
            ("label_email", a.get("email") or self._text(conversation, "none")),
        ]
        lines = [f"{self._text(conversation, label)}: {value}" for label, value in rows]
        return "\n".join([self._text(conversation, "summary"), *lines])

    def _pick(
        self, conversation: Conversation, draft: BookingDraft, answer: FormAnswer
    ) -> str | None:
        """The option a button press or a typed answer names: its value, its title, or its
        number in the list ("2")."""
        options = self._options(conversation, draft)
        values = [value for value, _ in options]
        if answer.choice is not None:
            return answer.choice if answer.choice in values else None
        typed = plain_words(answer.text)
        if typed.isdigit() and 1 <= int(typed) <= len(values):
            return values[int(typed) - 1]
        for value, key in options:
            if typed and typed in (plain_words(self._text(conversation, key)), value):
                return value
        return None

    def _chosen_slot(self, draft: BookingDraft, answer: FormAnswer) -> int | None:
        offered = [int(i) for i in draft.answers.get("offered", [])]
        if answer.choice and answer.choice.startswith("slot:"):
            value = answer.choice.removeprefix("slot:")
            return int(value) if value.isdigit() else None
        typed = plain_words(answer.text)
        if typed.isdigit() and 1 <= int(typed) <= len(offered):
            return offered[int(typed) - 1]
        return None

    def _keep_slot(self, draft: BookingDraft, slot: FreeSlot) -> None:
        draft.answers = {**draft.answers, "slot": slot.id, "starts_at": slot.starts_at.isoformat()}

    def _booking(self, draft: BookingDraft) -> Booking:
        booking = self.session.get(Booking, draft.answers.get("booking"))
        if booking is None:
            raise RuntimeError(f"booking draft at {draft.step!r} has no booking")
        return booking

    def _district(self, draft: BookingDraft) -> District:
        district = self.districts.get(draft.answers.get("district", ""))
        if district is None:
            raise RuntimeError(f"booking draft at {draft.step!r} has no district")
        return district

    def _is_stop_word(self, conversation: Conversation, answer: FormAnswer) -> bool:
        if answer.choice is not None or not answer.text:
            return False
        words = self._word_list(conversation, "stop_words")
        return plain_words(answer.text) in words

    def _says_homeless(self, conversation: Conversation, text: str) -> bool:
        typed = f" {plain_words(text)} "
        return any(f" {word} " in typed for word in self._word_list(conversation, "homeless_words"))

    def _word_list(self, conversation: Conversation, key: str) -> set[str]:
        words = set()
        for code in {conversation.language, "sv", "en"}:  # Swedish and English work everywhere
            words |= {
                plain_words(w)
                for w in self.languages.booking_text(code, key).split(",")
                if w.strip()
            }
        return words

    def _offer_person(self, conversation: Conversation) -> MessageOut:
        return MessageOut(
            text=self._text(conversation, "offer_person"),
            buttons=[
                self._talk_to_person(conversation),
                self._button(conversation, "stop", "stop"),
            ],
        )

    def _talk_to_person(self, conversation: Conversation) -> Button:
        title = self.languages.get(conversation.language).ui["talk_to_person"]
        return Button(title=title, payload=TALK_TO_PERSON_PAYLOAD)

    def _button(self, conversation: Conversation, key: str, value: str) -> Button:
        return Button(title=self._text(conversation, key), payload=choice_payload(value))

    def _text(self, conversation: Conversation, key: str, **values: object) -> str:
        return self.languages.booking_text(
            conversation.language, key, **{**self.contacts, **values}
        )

    def _status(self, draft: BookingDraft) -> dict[str, Any]:
        """meta.booking while the form runs: the step, and what is filled in (personal data
        only as 'given', never echoed)."""
        a = draft.answers
        status: dict[str, Any] = {
            "purpose": draft.purpose,
            "step": draft.step,
            "failures": draft.failures,
        }
        for key in ("district", "meeting_type", "interpreter", "starts_at", "reference"):
            if key in a:
                status[key] = a[key]
        status["given"] = sorted(k for k in ("name", "phone", "email") if k in a)
        return status

    def _final_status(self, draft: BookingDraft, booking: Booking, step: str) -> dict[str, Any]:
        return {
            "purpose": draft.purpose,
            "step": step,
            "reference": booking.reference,
            "district": booking.district,
            "starts_at": as_utc(booking.starts_at).astimezone(STOCKHOLM).isoformat(),
            "calendar_url": self.calendar_url(booking.reference),
        }

    @staticmethod
    def _event(draft: BookingDraft, booking: Booking) -> dict[str, Any]:
        return {
            "district": booking.district,
            "meeting_type": booking.meeting_type,
            "interpreter": booking.interpreter_language is not None,
            "turns": draft.answers.get("turns", 0),
        }


@dataclass
class _Retry:
    """A wrong (or not yet enough) answer: say `key`, ask again. `counts` is False when the
    answer was sensible but needs a follow-up (a choice between districts, a taken slot)."""

    key: str
    before: list[MessageOut] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)
    counts: bool = True


class _Advance(str):
    """A next step that comes with a message of its own ("You belong to Järva.")."""

    def __new__(cls, step: str, messages: list[MessageOut]) -> _Advance:
        advance = super().__new__(cls, step)
        advance.messages = messages
        return advance

    messages: list[MessageOut]


_CONTEXT_STEPS = ("confirm", "change", "confirm_move")  # a re-prompt keeps their question
_QUESTIONS = {
    "district": "ask_district",
    "meeting_type": "ask_meeting_type",
    "interpreter": "ask_interpreter",
    "interpreter_language": "ask_interpreter_language",
    "name": "ask_name",
    "phone": "ask_phone",
    "email": "ask_email",
    "confirm": "confirm_question",
    "reference": "ask_reference",
    "phone_check": "ask_phone_check",
    "change": "found",
    "confirm_move": "confirm_move",
}
