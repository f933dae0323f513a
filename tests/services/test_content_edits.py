"""Edits from the unanswered-questions inbox, on a copy of real content files."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import threading
from datetime import date
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalogue.articles import load_catalogue
from bot.core.config import PROJECT_ROOT
from bot.services.content_edits import ContentEditError, ContentFiles, FileEdit

ARTICLE = "riksnormen-2026"
SV_FILE = f"knowledge/articles/{ARTICLE}/sv.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(
        PROJECT_ROOT / "knowledge/articles" / ARTICLE, tmp_path / "knowledge/articles" / ARTICLE
    )
    for language in ("sv", "en"):
        shutil.copytree(PROJECT_ROOT / "nlu_data" / language, tmp_path / "nlu_data" / language)
    return tmp_path


def front_matter(path: Path) -> dict[str, Any]:
    match = re.match(r"\A---\n(.*?)\n---\n", path.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict)
    return meta


def nlu_examples(path: Path, intent: str) -> list[str]:
    blocks = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    (block,) = [b for b in blocks if b.get("intent") == intent]
    return [line[2:] for line in block["examples"].splitlines()]


def changed_lines(edit: FileEdit) -> tuple[list[str], list[str]]:
    lines = edit.diff.splitlines()[2:]
    return [x[1:] for x in lines if x.startswith("+")], [x[1:] for x in lines if x.startswith("-")]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_question_is_the_last_item_and_the_diff_is_one_line(root: Path) -> None:
    before = (root / SV_FILE).read_text(encoding="utf-8")
    question = "hur mycket får jag om jag hyr i andra hand"

    edit = ContentFiles(root).add_article_question(ARTICLE, "sv", question)

    assert edit.path == SV_FILE
    assert edit.diff.startswith(f"--- a/{SV_FILE}\n+++ b/{SV_FILE}\n")
    assert changed_lines(edit) == ([f"  - {question}"], [])
    after = (root / SV_FILE).read_text(encoding="utf-8")
    assert after.replace(f"  - {question}\n", "", 1) == before  # everything else byte-identical
    catalogue = load_catalogue(root / "knowledge/articles")
    assert catalogue.problems == []
    assert catalogue.articles[ARTICLE].texts["sv"].questions[-1] == question


@pytest.mark.parametrize(
    "question",
    [
        "Gäller det: hyra # el?",
        '"Riksnormen" eller normen, vad heter det?',
        "- börjar med ett streck",
        "yes",
        "12:30",
        "@soc kan ni hjälpa mig",
        "it's 'quoted' [really] {too}",
    ],
)
def test_questions_that_yaml_must_quote_round_trip_exactly(root: Path, question: str) -> None:
    edit = ContentFiles(root).add_article_question(ARTICLE, "en", question)

    assert len(changed_lines(edit)[0]) == 1
    text = load_catalogue(root / "knowledge/articles").articles[ARTICLE].texts["en"]
    assert text.questions[-1] == question


def test_question_text_is_cleaned_to_one_line(root: Path) -> None:
    ContentFiles(root).add_article_question(ARTICLE, "sv", "  hur  mycket\n\tfår\x00 jag\u202e?  ")

    assert front_matter(root / SV_FILE)["questions"][-1] == "hur mycket får jag?"


@pytest.mark.parametrize(("question", "message"), [(" \n\t ", "tom"), ("a" * 301, "för lång")])
def test_empty_or_too_long_question_is_refused(root: Path, question: str, message: str) -> None:
    with pytest.raises(ContentEditError, match=message):
        ContentFiles(root).add_article_question(ARTICLE, "sv", question)


def test_duplicate_question_is_refused_and_the_file_is_untouched(root: Path) -> None:
    existing = front_matter(root / SV_FILE)["questions"][0]
    before = snapshot(root / "knowledge")

    with pytest.raises(ContentEditError, match="finns redan"):
        ContentFiles(root).add_article_question(ARTICLE, "sv", f"  {existing.upper()}  ")
    assert snapshot(root / "knowledge") == before


def test_twenty_questions_is_the_limit(root: Path) -> None:
    files = ContentFiles(root)
    for number in range(len(front_matter(root / SV_FILE)["questions"]), 20):
        files.add_article_question(ARTICLE, "sv", f"fråga nummer {number}")

    with pytest.raises(ContentEditError, match="Ta bort en fråga först"):
        files.add_article_question(ARTICLE, "sv", "en fråga för mycket")
    assert len(front_matter(root / SV_FILE)["questions"]) == 20


@pytest.mark.parametrize(
    ("article_id", "language", "message"),
    [
        ("finns-inte", "sv", "ingen artikel med id"),
        (ARTICLE, "de", "inte översatt till 'de'"),
        ("../x", "sv", "Ogiltigt artikel-id"),
        (ARTICLE, "../../../nlu_data/sv/booking", "Ogiltigt språkkod"),
        ("Riksnormen-2026", "sv", "Ogiltigt artikel-id"),
    ],
)
def test_unknown_untranslated_or_bad_article_is_refused(
    root: Path, article_id: str, language: str, message: str
) -> None:
    before = snapshot(root)

    with pytest.raises(ContentEditError, match=message):
        ContentFiles(root).add_article_question(article_id, language, "en ny fråga")
    assert snapshot(root) == before


def test_nlu_example_lands_under_its_intent_without_markup(root: Path) -> None:
    path = root / "nlu_data/sv/catalogue.yml"
    before = nlu_examples(path, "ask_question")

    edit = ContentFiles(root).add_nlu_example("sv", "ask_question", "kan jag få (snabb) [hjälp]{x}")

    assert edit.path == "nlu_data/sv/catalogue.yml"
    assert changed_lines(edit) == (["      - kan jag få snabb hjälpx"], [])
    assert nlu_examples(path, "ask_question") == [*before, "kan jag få snabb hjälpx"]


def test_unknown_intent_error_lists_the_intents(root: Path) -> None:
    files = ContentFiles(root)
    assert {"greet", "ask_question", "book_meeting"} <= set(files.intents("en"))

    with pytest.raises(ContentEditError, match=r"Välj ett av: .*book_meeting.*greet"):
        files.add_nlu_example("en", "no_such_intent", "hello there")


def test_language_without_nlu_data_is_refused(root: Path) -> None:
    with pytest.raises(ContentEditError, match=r"inga NLU-exempel.*en, sv"):
        ContentFiles(root).add_nlu_example("sv-x-easy", "greet", "hej")


def test_example_already_under_another_intent_is_refused(root: Path) -> None:
    greeting = nlu_examples(root / "nlu_data/sv/smalltalk.yml", "greet")[0]
    before = snapshot(root / "nlu_data")

    with pytest.raises(ContentEditError, match="redan under intentet greet"):
        ContentFiles(root).add_nlu_example("sv", "ask_question", f" {greeting.upper()} ")
    assert snapshot(root / "nlu_data") == before


def test_draft_is_created_outside_the_live_catalogue_with_a_unique_slug(root: Path) -> None:
    files = ContentFiles(root)
    title = "Kan jag få hjälp med elräkningen?"
    questions = ["betalar soc min elräkning", "Betalar  soc min ELRÄKNING", "el: hur gör jag?"]

    first = files.create_draft_article(title, questions, "sv")
    second = files.create_draft_article(title, questions[:1], "sv", topic="boende")
    clash = files.create_draft_article("Riksnormen 2026", questions[:1], "en")

    assert first.path == "knowledge/drafts/kan-jag-fa-hjalp-med-elrakningen/sv.md"
    assert second.path == "knowledge/drafts/kan-jag-fa-hjalp-med-elrakningen-2/sv.md"
    assert clash.path == "knowledge/drafts/riksnormen-2026-2/en.md"
    assert first.diff.startswith(f"--- /dev/null\n+++ b/{first.path}\n")
    meta = front_matter(root / first.path)
    assert meta["id"] == "kan-jag-fa-hjalp-med-elrakningen"
    assert (meta["topic"], meta["title"], meta["summary"]) == ("VÄLJ-ÄMNE", title, "")
    assert meta["questions"] == ["betalar soc min elräkning", "el: hur gör jag?"]
    assert meta["sources"] == []
    assert meta["reviewed"]["date"] == date.today()
    assert "flytta sedan mappen till knowledge/articles/" in meta["reviewed"]["notes"][0]
    assert front_matter(root / second.path)["topic"] == "boende"
    assert list(load_catalogue(root / "knowledge/articles").articles) == [ARTICLE]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Är kontaktcenter öppet på julafton, nyårsafton och andra helgdagar i Stockholm?",
            "ar-kontaktcenter-oppet-pa-julafton-nyarsafton-och-andra",  # whole words, <= 60
        ),
        ("Café Ørestad — straße", "cafe-orestad-strasse"),
        ("كيف أتقدم بطلب؟", "utkast"),  # no Latin letters: a placeholder the editor renames
    ],
)
def test_draft_slug_is_a_plain_article_id(root: Path, title: str, slug: str) -> None:
    edit = ContentFiles(root).create_draft_article(title, ["en fråga"], "sv")

    assert edit.path == f"knowledge/drafts/{slug}/sv.md"
    assert front_matter(root / edit.path)["title"] == title


@pytest.mark.parametrize(
    ("questions", "topic", "message"),
    [([], None, "1–20 frågor"), (["x"], "mat", "Ämnet 'mat' finns inte")],
)
def test_bad_draft_is_refused(
    root: Path, questions: list[str], topic: str | None, message: str
) -> None:
    with pytest.raises(ContentEditError, match=message):
        ContentFiles(root).create_draft_article("Ny rubrik", questions, "sv", topic=topic)
    assert not (root / "knowledge/drafts").exists()


def test_eight_threads_adding_questions_to_one_file_keep_every_question(root: Path) -> None:
    folder = root / "knowledge/articles" / ARTICLE
    path = min(folder.glob("*.md"), key=lambda p: len(front_matter(p)["questions"]))
    existing = front_matter(path)["questions"]
    assert len(existing) + 8 <= 20
    barrier, errors = threading.Barrier(8), []

    def add(number: int) -> None:
        barrier.wait()
        try:
            ContentFiles(root).add_article_question(ARTICLE, path.stem, f"trådfråga {number}")
        except Exception as error:  # collected, so the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    questions = front_matter(path)["questions"]
    assert questions[: len(existing)] == existing
    assert sorted(questions[len(existing) :]) == sorted(f"trådfråga {n}" for n in range(8))


def add_examples_in_process(root: str, barrier: Barrier, worker: int) -> None:
    """Runs in a spawned process: its own ContentFiles on the shared root."""
    files = ContentFiles(Path(root))
    barrier.wait()
    for number in range(5):
        files.add_nlu_example("sv", "greet", f"hej från process {worker} nummer {number}")


def test_two_processes_adding_examples_to_one_intent_keep_every_example(root: Path) -> None:
    before = nlu_examples(root / "nlu_data/sv/smalltalk.yml", "greet")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(target=add_examples_in_process, args=(str(root), barrier, worker))
        for worker in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [p.exitcode for p in processes] == [0, 0]
    after = nlu_examples(root / "nlu_data/sv/smalltalk.yml", "greet")
    assert after[: len(before)] == before
    added = {f"hej från process {w} nummer {n}" for w in range(2) for n in range(5)}
    assert sorted(after[len(before) :]) == sorted(added)
