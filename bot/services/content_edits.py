"""Writing an editor's changes from the unanswered-questions inbox into the content files.

Editors own `knowledge/` and `nlu_data/` and review every change as a diff, so an edit inserts
one line into the file as it is and never re-dumps the YAML: the rest of the file stays
byte-identical. Each edit is a read-modify-write under an exclusive lock, checked by parsing the
result, and written atomically, so two editors saving at once both keep their change.

    files = ContentFiles()
    edit = files.add_article_question("riksnormen-2026", "sv", "hur mycket får jag i månaden")
    print(edit.path, edit.diff)
"""

from __future__ import annotations

import difflib
import fcntl
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import yaml

from bot.catalogue.articles import ARTICLE_ID, TOPICS
from bot.catalogue.normalise import fold
from bot.core.config import PROJECT_ROOT
from bot.services.text import normalise_citizen_text

MAX_CHARS = 300
MAX_QUESTIONS = 20
NO_TOPIC = "VÄLJ-ÄMNE"
DRAFT_NOTE = (
    "Utkast från inkorgen: skriv sammanfattning, text och källor, "
    "flytta sedan mappen till knowledge/articles/."
)
DRAFT_BODY = "Skriv texten till guidesidan här: korta stycken och enkla ord."
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)  # as the loader's
_MARKUP = str.maketrans("", "", "[]{}()")  # Rasa entity annotations
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d"})
_UNUSUAL = "har en ovanlig form, så ändringen gjordes inte. Lägg till raden direkt i filen."


class ContentEditError(ValueError):
    """A change the editor asked for cannot be made; the message (Swedish, plain words, says what
    to do) is shown to the editor."""


@dataclass(frozen=True)
class FileEdit:
    """One changed file, with the diff the editor reviews."""

    path: str  # relative to the root, e.g. "knowledge/articles/riksnormen-2026/sv.md"
    diff: str  # unified diff, a/<path> b/<path> (/dev/null for a new file)


def clean_text(text: str, what: str = "Texten") -> str:
    """One line of plain text: the files are line-based, and invisible characters hide words."""
    cleaned = " ".join(normalise_citizen_text(" ".join(text.split())).split())
    if not cleaned:
        raise ContentEditError(f"{what} är tom. Skriv texten och försök igen.")
    if len(cleaned) > MAX_CHARS:
        raise ContentEditError(
            f"{what} är för lång ({len(cleaned)} tecken). Korta den till högst {MAX_CHARS} tecken."
        )
    return cleaned


class ContentFiles:
    """The content files under one project root, edited safely.

    >>> files = ContentFiles(Path("/srv/guiderum"))  # doctest: +SKIP
    >>> files.add_nlu_example("sv", "greet", "tjena")  # doctest: +SKIP
    FileEdit(path='nlu_data/sv/smalltalk.yml', diff='--- a/nlu_data/sv/smalltalk.yml ...')
    """

    # Threads of one process queue here; processes queue on the flock of a freshly opened file.
    _thread_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, root: Path = PROJECT_ROOT) -> None:
        self.root = root

    def add_article_question(self, article_id: str, language: str, question: str) -> FileEdit:
        """Add a citizen's wording to an article's `questions`, so search finds the article."""
        folder = self.root / "knowledge" / "articles" / _checked(article_id, "artikel-id")
        path = folder / f"{_checked(language, 'språkkod')}.md"
        question = clean_text(question, "Frågan")
        if not folder.is_dir():
            raise ContentEditError(
                f"Det finns ingen artikel med id {article_id!r}. Kontrollera id:t "
                "(mappens namn i knowledge/articles/)."
            )
        if not path.is_file():
            have = ", ".join(sorted(p.stem for p in folder.glob("*.md")))
            raise ContentEditError(
                f"Artikeln {article_id} är inte översatt till {language!r} än ({language}.md "
                f"saknas). Lägg till frågan på ett språk som finns ({have}) eller översätt först."
            )
        name = self._name(path)
        with self._locked():
            old = _read(path)
            meta, body = _front_matter(old, name)
            questions = meta.get("questions")
            if not isinstance(questions, list):
                raise ContentEditError(f"Listan questions i {name} {_UNUSUAL}")
            if _key(question) in {_key(str(q)) for q in questions}:
                raise ContentEditError(f"Frågan finns redan i {name}. Inget har ändrats.")
            if len(questions) >= MAX_QUESTIONS:
                raise ContentEditError(
                    f"{name} har redan {len(questions)} frågor, det är max. "
                    "Ta bort en fråga först och lägg sedan till den nya."
                )
            lines = old.split("\n")
            end = next((i for i, line in enumerate(lines) if i and line.rstrip() == "---"), 0)
            start = next((i for i in range(1, end) if re.match(r"questions:\s*$", lines[i])), 0)
            last = _last_line(lines, start, lambda line: line[:1] in " \t" or line[:2] == "- ")
            items = (re.match(r"\s*- ", line) for line in lines[start + 1 : last + 1])
            item = next((match for match in items if match), None)
            if not start or item is None:
                raise ContentEditError(f"Listan questions i {name} {_UNUSUAL}")
            new = _insert(lines, last, f"{item.group()}{_scalar(question)}")
            new_meta, new_body = _front_matter(new, name)
            if (new_body, new_meta.pop("questions"), new_meta) != (
                body, [*questions, question], {k: v for k, v in meta.items() if k != "questions"}
            ):  # fmt: skip
                raise ContentEditError(f"Listan questions i {name} {_UNUSUAL}")
            _write(path, new)
        return self._edit(path, old, new)

    def add_nlu_example(self, language: str, intent: str, example: str) -> FileEdit:
        """Teach Rasa a new wording for an intent; the next trained model recognises it."""
        folder = self._nlu_folder(language)
        example = clean_text(example.translate(_MARKUP), "Exemplet")
        with self._locked():
            texts = {path: _read(path) for path in _nlu_files(folder)}
            parsed = {path: _nlu_examples(text, self._name(path)) for path, text in texts.items()}
            path = next((p for p, intents in parsed.items() if intent in intents), None)
            if path is None:
                known = sorted({name for intents in parsed.values() for name in intents})
                raise ContentEditError(
                    f"Intentet {intent!r} finns inte för språket {language}. "
                    f"Välj ett av: {', '.join(known)}."
                )
            for where, intents in parsed.items():
                for name, examples in intents.items():
                    if _key(example) in {_key(e.translate(_MARKUP)) for e in examples}:
                        raise ContentEditError(
                            f"Exemplet finns redan under intentet {name} ({self._name(where)}). "
                            "Inget har ändrats."
                        )
            lines, name = texts[path].split("\n"), self._name(path)
            pattern = rf"(\s*)-\s+intent:\s*(['\"]?){re.escape(intent)}\2\s*(#.*)?$"
            at = next((i for i, line in enumerate(lines) if re.match(pattern, line)), len(lines))
            item_end = _last_line(lines, at, lambda line: _indent(line) > _indent(lines[at]))
            block_key = r"\s+examples:\s*\|\s*(#.*)?$"
            key = next((i for i in range(at + 1, item_end + 1) if re.match(block_key, lines[i])), 0)
            if not key:
                raise ContentEditError(f"Intentet {intent} i {name} {_UNUSUAL}")
            last = _last_line(lines, key, lambda line: _indent(line) > _indent(lines[key]))
            indent = _indent(lines[last]) if last > key else _indent(lines[key]) + 2
            new = _insert(lines, last, f"{' ' * indent}- {example}")
            expected = {**parsed[path], intent: [*parsed[path][intent], example]}
            if _nlu_examples(new, name) != expected:
                raise ContentEditError(f"Intentet {intent} i {name} {_UNUSUAL}")
            _write(path, new)
        return self._edit(path, texts[path], new)

    def create_draft_article(
        self, title: str, questions: list[str], language: str, topic: str | None = None
    ) -> FileEdit:
        """Start an article for questions nothing answers. It is a draft in knowledge/drafts/,
        which the live catalogue and `bot knowledge check` never read, until an editor completes
        it and moves the folder to knowledge/articles/."""
        language = _checked(language, "språkkod")
        title = clean_text(title, "Rubriken")
        if topic is not None and topic not in TOPICS:
            raise ContentEditError(f"Ämnet {topic!r} finns inte. Välj ett av: {', '.join(TOPICS)}.")
        cleaned: list[str] = []
        for question in questions:
            text = clean_text(question, "Frågan")
            if _key(text) not in {_key(q) for q in cleaned}:
                cleaned.append(text)
        if not cleaned or len(cleaned) > MAX_QUESTIONS:
            raise ContentEditError(f"Ett utkast behöver 1–{MAX_QUESTIONS} frågor. Ändra urvalet.")
        today = date.today()
        with self._locked():
            slug = self._free_slug(_slug(title))
            path = self.root / "knowledge" / "drafts" / slug / f"{language}.md"
            meta = {
                "id": slug, "topic": topic or NO_TOPIC, "title": title, "summary": "",
                "questions": cleaned, "sources": [],
                "reviewed": {"date": today, "by": "", "notes": [DRAFT_NOTE]},
            }  # fmt: skip
            text = "\n".join([
                "---", f"id: {slug}", f"topic: {_scalar(str(meta['topic']))}",
                f"title: {_scalar(title)}", 'summary: ""', "questions:",
                *(f"  - {_scalar(q)}" for q in cleaned), "sources: []", "reviewed:",
                f"  date: {today.isoformat()}", '  by: ""', "  notes:",
                f"    - {_scalar(DRAFT_NOTE)}", "---", DRAFT_BODY, "",
            ])  # fmt: skip
            if _front_matter(text, self._name(path)) != (meta, DRAFT_BODY + "\n"):
                raise ContentEditError(f"Utkastet {_UNUSUAL}")
            path.parent.mkdir(parents=True)
            _write(path, text)
        return self._edit(path, "", text)

    def intents(self, language: str) -> list[str]:
        """The intents defined for `language`: the editor's choices for an NLU example."""
        return sorted(
            {name for path in _nlu_files(self._nlu_folder(language))
             for name in _nlu_examples(_read(path), self._name(path))}
        )  # fmt: skip

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Exclusive across threads and processes, held from reading the file to writing it."""
        lock_path = self.root / "var" / "content-edits.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
            yield

    def _nlu_folder(self, language: str) -> Path:
        folder = self.root / "nlu_data" / _checked(language, "språkkod")
        if not folder.is_dir():
            have = sorted(p.name for p in (self.root / "nlu_data").glob("*") if p.is_dir())
            raise ContentEditError(
                f"Det finns inga NLU-exempel för språket {language!r}. "
                f"Välj ett av: {', '.join(have)}."
            )
        return folder

    def _free_slug(self, base: str) -> str:
        number = 1
        while True:
            suffix = f"-{number}" if number > 1 else ""
            slug = _cut(base, 60 - len(suffix)) + suffix
            knowledge = self.root / "knowledge"
            if not any((knowledge / d / slug).exists() for d in ("articles", "drafts")):
                return slug
            number += 1

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _edit(self, path: Path, old: str, new: str) -> FileEdit:
        name = self._name(path)
        lines = difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True),
            "/dev/null" if not old else f"a/{name}", f"b/{name}",
        )  # fmt: skip
        no_newline = "\n\\ No newline at end of file\n"
        return FileEdit(name, "".join(x if x.endswith("\n") else x + no_newline for x in lines))


def _checked(value: str, what: str) -> str:
    """Ids and language codes become path parts: only a–z, 0–9 and hyphens (no ../)."""
    if not ARTICLE_ID.match(value):
        raise ContentEditError(
            f"Ogiltigt {what} {value!r}: bara a–z, 0–9 och bindestreck, t.ex. riksnormen-2026, sv."
        )
    return value


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _slug(title: str) -> str:
    folded = fold(title.lower().translate(_FOLD))  # the catalogue's accent folding
    return _cut(re.sub(r"[^a-z0-9]+", "-", folded).strip("-"), 60) or "utkast"


def _cut(slug: str, limit: int) -> str:
    """At most `limit` characters, ending with a whole word where there is one."""
    if len(slug) <= limit:
        return slug
    head = slug[: limit + 1]
    return (head.rsplit("-", 1)[0] if "-" in head else head[:limit]).rstrip("-")


def _scalar(text: str) -> str:
    """`text` as a one-line YAML scalar, quoted only where YAML needs it."""
    dumped = yaml.safe_dump(text, width=1_000_000, allow_unicode=True)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _last_line(lines: list[str], start: int, belongs: Callable[[str], bool]) -> int:
    """The last non-blank line of the block after `start` (`start` itself if it is empty)."""
    last = start
    for index in range(start + 1, len(lines)):
        if lines[index].strip():
            if not belongs(lines[index]):
                break
            last = index
    return last


def _insert(lines: list[str], after: int, line: str) -> str:
    """The text with `line` after line `after`, in the file's line ending; the rest unchanged."""
    ending = "\r" if lines[after].endswith("\r") else ""
    return "\n".join([*lines[: after + 1], line + ending, *lines[after + 1 :]])


def _front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    try:
        meta = yaml.safe_load(match.group(1)) if match else None
    except yaml.YAMLError:
        meta = None
    if match is None or not isinstance(meta, dict):
        raise ContentEditError(
            f"{name} har ingen giltig front matter mellan ---. Rätta filen först "
            "(bot knowledge check visar felet)."
        )
    return meta, match.group(2)


def _nlu_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in {".yml", ".yaml"})


def _nlu_examples(text: str, name: str) -> dict[str, list[str]]:
    """Examples per intent, read the way bot.services.domain.nlu_examples reads them."""
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise ContentEditError(f"{name} är inte giltig YAML. Rätta filen först: {error}") from None
    blocks = document.get("nlu") if isinstance(document, dict) else None
    examples: dict[str, list[str]] = {}
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and "intent" in block:
            lines = (line.strip() for line in str(block.get("examples", "")).splitlines())
            examples.setdefault(str(block["intent"]), []).extend(
                line[2:].strip() for line in lines if line.startswith("- ")
            )
    return examples


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _write(path: Path, text: str) -> None:
    """Atomic: readers see the old file or the new one, never half of it."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
