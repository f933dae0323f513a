"""Personal data in real formats is removed; near-misses stay as written."""

from __future__ import annotations

import pytest

from bot.services.redaction import luhn_valid, redact


def with_check_digit(first_nine: str) -> str:
    return next(first_nine + d for d in "0123456789" if luhn_valid(first_nine + d))


PNR = with_check_digit("811218987")  # 811218-987x: a valid date and Luhn digit
SAMORDNING = with_check_digit("811278987")  # day 78 = 18 + 60


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        (
            f"mitt personnummer är 19{PNR[:6]}-{PNR[6:]}",
            "mitt personnummer är [personnummer]",
            "identity_number",
        ),
        (f"pnr {PNR[:6]}-{PNR[6:]} tack", "pnr [personnummer] tack", "identity_number"),
        (f"{PNR}", "[personnummer]", "identity_number"),
        (f"född {PNR[:6]}+{PNR[6:]}", "född [personnummer]", "identity_number"),
        (
            f"samordningsnummer {SAMORDNING[:6]}-{SAMORDNING[6:]}",
            "samordningsnummer [personnummer]",
            "identity_number",
        ),
        ("ring mig på 070-123 45 67", "ring mig på [telefonnummer]", "phone_number"),
        ("nr +46 70 123 45 67", "nr [telefonnummer]", "phone_number"),
        ("hemma 08-123 456 78", "hemma [telefonnummer]", "phone_number"),
        ("0046701234567", "[telefonnummer]", "phone_number"),
        ("mejla anna.svensson@example.se", "mejla [e-post]", "email"),
        ("kort 4111 1111 1111 1111", "kort [kortnummer]", "card_number"),
        ("konto 8327-9, 123 456 789-0", "konto [kontonummer]", "bank_account"),
        ("IBAN SE45 5000 0000 0583 9825 7466", "IBAN [kontonummer]", "bank_account"),
        ("jag bor på Drottninggatan 12B", "jag bor på [adress]", "street_address"),
        ("adress Tensta allé 3", "adress [adress]", "street_address"),
    ],
)
def test_real_formats_are_removed(text: str, expected: str, kind: str) -> None:
    result = redact(text)
    assert result.text == expected
    assert kind in result.kinds


@pytest.mark.parametrize(
    "text",
    [
        "normen är 5 220 kr i månaden",
        "ring 112 eller Självmordslinjen 90101",
        "beslutet kom 2026-11-24",
        f"ordernummer {PNR[:9]}{(int(PNR[9]) + 1) % 10}",  # wrong check digit
        "född 811332-1234",  # no 32nd day
        "jag har 3 barn och bor på gatan",
        "paragraf 13 § förvaltningslagen",
    ],
)
def test_near_misses_stay(text: str) -> None:
    assert redact(text).text == text
    assert redact(text).kinds == frozenset()


def test_a_card_number_must_pass_the_luhn_check() -> None:
    assert "card_number" in redact("4111 1111 1111 1111").kinds
    # Failing Luhn it is no card number; it may still be hidden as a possible account number.
    assert "card_number" not in redact("4111 1111 1111 1112").kinds
