"""Per-language quality on the held-out sets in tests/eval/languages/ (never trained on).

The thresholds are the languages issue's: language detection at least 0.97 and topic
accuracy@1 at least 0.85 for every tier-1 language. Uses the index `make setup` builds.
"""

from __future__ import annotations

import pytest

from bot.catalogue.embeddings import E5Embedder
from bot.catalogue.search import SearchIndex
from bot.core.config import get_settings
from bot.language_evaluation import LanguageScore, LanguageSet, load_sets, score_language
from bot.services.language_detection import LanguageDetector
from bot.services.languages import LanguageRegistry

MIN_DETECTION = 0.97
MIN_TOPIC_AT_1 = 0.85
TIER_1 = LanguageRegistry.load().codes(tier=1)


@pytest.fixture(scope="module")
def scores() -> dict[str, LanguageScore]:
    path = get_settings().search_index_path
    assert path.exists(), f"no search index at {path}: run `make index` first"
    index, embedder = SearchIndex.load(path), E5Embedder()
    detector = LanguageDetector(LanguageRegistry.load().codes())
    return {s.code: score_language(s, detector, index, embedder) for s in load_sets()}


def test_every_tier_1_language_has_a_big_enough_held_out_set() -> None:
    sets = {s.code: s for s in load_sets()}
    for code in TIER_1:
        if code == "sv-x-easy":  # written Swedish: detected and searched as Swedish
            continue
        assert len(sets[code].detection) >= 20, code
        if code not in {"sv", "en"}:  # Swedish and English: tests/eval/retrieval_questions.yml
            assert len(sets[code].questions) >= 40, code


@pytest.mark.parametrize("code", [c for c in TIER_1 if c != "sv-x-easy"])
def test_detection_in_tier_1_languages(scores: dict[str, LanguageScore], code: str) -> None:
    detection = scores[code].detection
    assert detection is not None
    assert detection >= MIN_DETECTION, f"{code}: detection {detection:.3f}"


@pytest.mark.parametrize("code", [c for c in TIER_1 if c not in {"sv", "sv-x-easy", "en"}])
def test_topic_accuracy_in_tier_1_languages(scores: dict[str, LanguageScore], code: str) -> None:
    accuracy = scores[code].topic_at_1
    assert accuracy is not None
    assert accuracy >= MIN_TOPIC_AT_1, f"{code}: topic accuracy@1 {accuracy:.3f}"


def test_scores_count_only_what_was_measured() -> None:
    empty = LanguageSet("xx", detection=[], questions=[], intents=[])
    score = score_language(
        empty, LanguageDetector(["sv"]), SearchIndex.load(get_settings().search_index_path),
        E5Embedder(),
    )  # fmt: skip
    assert (score.detection, score.intent, score.topic_at_1) == (None, None, None)
