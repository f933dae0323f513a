"""Personal data is removed from a citizen's text before it is stored, sent to Rasa or counted.

The chat gives general information only; nothing in it needs a personnummer, a phone number or
an account number, and social-services secrecy and GDPR say not to keep what is not needed.
Each kind of data is replaced by a label in brackets, e.g. "[personnummer]".

Checks keep near-misses (amounts, dates, the city's short numbers) untouched: identity and
card numbers must pass the Luhn check and (for identity numbers) hold a real date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# 19850412-1234, 850412-1234, 850412+1234, 198504121234, 8504121234 (a samordningsnummer has
# 60 added to the day).
_IDENTITY = re.compile(r"(?<![\d-])(\d{2})?(\d{2})(\d{2})(\d{2})\s?([-+])?\s?(\d{4})(?![\d-])")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_IBAN = re.compile(r"\bSE\s?\d{2}(?:\s?\d{4}){5}\b", re.IGNORECASE)
# clearing number (4–5 digits) and account number (7–10 digits), e.g. 8327-9, 123 456 789-0
_ACCOUNT = re.compile(r"(?<!\d)\d{4}(?:-\d)?[ ,-]\s?\d{1,3}(?:[ -]?\d{2,4}){2,4}(?:-\d)?(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+46|0046|0)[\s-]?\(?0?\)?[1-9](?:[\s-]?\d){5,9}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_STREET_WORDS = (
    r"gatan|gata|vägen|väg|gränd|gränden|backen|backe|torget|torg|stigen|stig|allén|allé|plan|"
    r"platsen|leden|esplanaden|strand|kajen"
)
# "Drottninggatan 12B" and two-word names such as "Tensta allé 3"
_STREET = re.compile(
    rf"\b[A-ZÅÄÖ][a-zåäöé]+(?:(?:{_STREET_WORDS})|\s(?:{_STREET_WORDS}))\s\d{{1,4}}\s?[A-Za-z]?\b"
)

LABELS = {
    "identity_number": "[personnummer]",
    "card_number": "[kortnummer]",
    "bank_account": "[kontonummer]",
    "phone_number": "[telefonnummer]",
    "email": "[e-post]",
    "street_address": "[adress]",
}


_LABEL_TEXT = re.compile("|".join(re.escape(label) for label in LABELS.values()))


def without_labels(text: str) -> str:
    """Redacted text with the labels taken out: what is left of an answer like "Amina
    Hassan [personnummer]"."""
    return " ".join(_LABEL_TEXT.sub(" ", text).split())


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: frozenset[str]  # what was removed, e.g. {"identity_number"}


def redact(text: str) -> Redacted:
    """The text with personal data replaced by labels, and which kinds were found.

    Usage:
        redact("mitt pnr är 811218-9876")  # -> Redacted("mitt pnr är [personnummer]", ...)
    """
    found: set[str] = set()

    def sub(kind: str, pattern: re.Pattern[str], text: str, check: _Check | None = None) -> str:
        def one(match: re.Match[str]) -> str:
            if check is not None and not check(match):
                return match.group(0)
            found.add(kind)
            return LABELS[kind]

        return pattern.sub(one, text)

    # Most specific first, so a longer number is not half-taken by a looser pattern.
    text = sub("email", _EMAIL, text)
    text = sub("bank_account", _IBAN, text)
    text = sub("card_number", _CARD, text, _is_card_number)
    text = sub("identity_number", _IDENTITY, text, _is_identity_number)
    text = sub("bank_account", _ACCOUNT, text)
    text = sub("phone_number", _PHONE, text)
    text = sub("street_address", _STREET, text)
    return Redacted(text, frozenset(found))


_Check = Callable[[re.Match[str]], bool]


def _is_card_number(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _is_identity_number(match: re.Match[str]) -> bool:
    century, year, month, day, _sign, serial = match.groups()
    day_number = int(day) - 60 if int(day) > 60 else int(day)  # samordningsnummer
    full_year = int(century + year) if century else 1900 + int(year)
    try:
        date(full_year, int(month), day_number)
    except ValueError:
        return False
    return luhn_valid(year + month + day + serial)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
