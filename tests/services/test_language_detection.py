"""Detecting a short message's language; keeping the conversation's language on weak evidence."""

from __future__ import annotations

import pytest

from bot.services.language_detection import LanguageDetector

LANGUAGES = [
    "sv",
    "sv-x-easy",
    "en",
    "ar",
    "so",
    "fa",
    "ti",
    "fi",
    "uk",
    "pl",
    "tr",
    "es",
    "kmr",
    "bs",
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LANGUAGES)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hur ansöker jag om försörjningsstöd", "sv"),
        ("how do I apply for income support", "en"),
        ("كيف أقدم طلب المساعدة المالية", "ar"),
        ("sidee baan u codsadaa gargaarka dhaqaalaha", "so"),
        ("چطور برای کمک مالی درخواست بدهم", "fa"),
        ("ሓገዝ ገንዘብ ብኸመይ ይሓትት", "ti"),
        ("miten haen toimeentulotukea", "fi"),
        ("ez çawa dikarim serlêdana alîkariyê bikim", "kmr"),
        ("kako mogu podnijeti zahtjev za pomoć", "bs"),
    ],
)
def test_detects_each_script_and_language(
    detector: LanguageDetector, text: str, language: str
) -> None:
    assert detector.detect(text).language == language


@pytest.mark.parametrize("text", ["ok", "ja", "Ahmed", "123 456", "hej", "tack", "okej bra", "..."])
def test_keeps_the_language_on_weak_evidence(detector: LanguageDetector, text: str) -> None:
    assert detector.choose(text, current="ar") == "ar"
    assert detector.choose(text, current="en") == "en"


def test_switches_on_a_sentence_in_another_language(detector: LanguageDetector) -> None:
    assert detector.choose("how do I apply for money from the city", current="sv") == "en"
    assert detector.choose("jag vill ha pengar till hyran", current="en") == "sv"


def test_another_script_is_strong_evidence_even_when_short(detector: LanguageDetector) -> None:
    assert detector.choose("ሰላም", current="sv") == "ti"
    assert detector.choose("مرحبا كيف حالك", current="sv") in {"ar", "fa"}


def test_easy_swedish_stays_easy_swedish_on_swedish_text(detector: LanguageDetector) -> None:
    assert detector.choose("jag vill ha pengar till hyran", current="sv-x-easy") == "sv-x-easy"
