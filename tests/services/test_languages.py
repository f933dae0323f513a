from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.languages import LanguageRegistry


@pytest.fixture(scope="module")
def languages() -> LanguageRegistry:
    return LanguageRegistry.load()


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("en",), "en"),
        (("en-GB",), "en"),
        (("EN-us",), "en"),
        (("de-DE,en;q=0.7,sv;q=0.9",), "sv"),
        (("de-DE,fr;q=0.5",), "sv"),
        ((None, "en"), "en"),
        (("", None), "sv"),
        (("en;q=abc,sv",), "sv"),
    ],
)
def test_negotiate(
    languages: LanguageRegistry, candidates: tuple[str | None, ...], expected: str
) -> None:
    assert languages.negotiate(*candidates) == expected


def test_error_texts_are_filled_and_fall_back_to_swedish(languages: LanguageRegistry) -> None:
    assert "2000" in languages.error_text("en", "text_too_long", limit=2000)
    assert languages.error_text("xx", "empty_text") == languages.error_text("sv", "empty_text")


def test_every_language_has_every_ui_and_error_text(languages: LanguageRegistry) -> None:
    swedish = languages.get("sv")
    for language in languages.all():
        assert set(language.ui) == set(swedish.ui), language.code
        assert set(language.errors) == set(swedish.errors), language.code
        assert set(language.notes) == set(swedish.notes), language.code
        assert set(language.acute) == set(swedish.acute), language.code
        assert set(language.topics) == set(swedish.topics), language.code
        assert set(language.guide) == set(swedish.guide), language.code
        assert language.dir in {"ltr", "rtl"}


def test_locale_file_must_match_its_code(tmp_path: Path) -> None:
    (tmp_path / "sv.yml").write_text("code: en\nname: x\ndir: ltr\nui: {}\nerrors: {}\n")
    with pytest.raises(ValueError, match="must match the file name"):
        LanguageRegistry.load(tmp_path)


def test_default_language_needs_a_locale(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no locale file"):
        LanguageRegistry.load(tmp_path, default="sv")
