"""Which district office a citizen belongs to (tillhörighet), from where they say they live.

Citizens type a neighbourhood, an area or a district, often without å/ä/ö and with typing
mistakes ("tensta", "Husby", "rinkebi" → Järva). Places come from `bot/districts.yml`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.catalogue.normalise import fold

DISTRICTS_PATH = Path(__file__).resolve().parent.parent / "districts.yml"
FUZZY_CUTOFF = 0.8  # "rinkebi"/"rinkeby" is 0.86, "kista"/"vinsta" 0.73
FUZZY_TIE = 0.03  # candidates this close to the best are offered as a choice
_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class District:
    id: str
    name: str
    checked: bool
    address: str | None = None
    phone: str | None = None
    places: tuple[str, ...] = ()  # the name, former names and neighbourhoods, as written


@dataclass(frozen=True)
class HomelessUnit:
    name: str
    address: str
    phone: str
    source: str


@dataclass(frozen=True)
class Placement:
    """What a citizen's answer says: one district, a choice between some, another municipality,
    or nothing we know."""

    districts: list[District] = field(default_factory=list)
    other_municipality: str | None = None

    @property
    def district(self) -> District | None:
        return self.districts[0] if len(self.districts) == 1 else None


def plain_words(text: str) -> str:
    """Lower case, no accents (å→a, ö→o), words separated by single spaces."""
    return _NOT_LETTERS.sub(" ", fold(text)).strip()


class DistrictDirectory:
    """The districts and their places, and the lookup from free text.

    Usage:
        directory = DistrictDirectory.load()
        directory.place("I live in rinkebi").district.name   # -> "Järva"
        directory.place("Hammarby").districts                # -> Skarpnäck and Södermalm
        directory.place("Solna").other_municipality          # -> "Solna"
    """

    def __init__(
        self, districts: list[District], homeless_unit: HomelessUnit, others: list[str], source: str
    ) -> None:
        self.districts = {d.id: d for d in districts}
        self.homeless_unit = homeless_unit
        self.source = source
        self._places = [(plain_words(place), d) for d in districts for place in d.places]
        self._others = [(plain_words(name), name) for name in others]

    @classmethod
    def load(cls, path: Path = DISTRICTS_PATH) -> DistrictDirectory:
        return _load(path)

    def get(self, district_id: str) -> District | None:
        return self.districts.get(district_id)

    def place(self, text: str) -> Placement:
        words = plain_words(text).split()
        if not words:
            return Placement()
        phrases = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}
        exact = [(place, d) for place, d in self._places if place in phrases]
        if exact:  # the longest name wins: "orby slott" over "orby"
            longest = max(len(place) for place, _ in exact)
            return Placement(_unique(d for place, d in exact if len(place) == longest))
        starting = [
            d for place, d in self._places if any(place.startswith(w) for w in words if len(w) > 3)
        ]
        if starting:  # "hammarby" → Hammarbyhöjden or Hammarby sjöstad
            return Placement(_unique(starting))
        other = next((name for folded, name in self._others if folded in phrases), None)
        if other:
            return Placement(other_municipality=other)
        return Placement(self._closest(phrases))

    def _closest(self, phrases: set[str]) -> list[District]:
        scored: list[tuple[float, District]] = []
        for phrase in phrases:
            if len(phrase) < 4:
                continue
            for place, district in self._places:
                ratio = difflib.SequenceMatcher(None, phrase, place).ratio()
                if ratio >= FUZZY_CUTOFF:
                    scored.append((ratio, district))
        if not scored:
            return []
        best = max(score for score, _ in scored)
        ranked = sorted(scored, key=lambda s: -s[0])
        return _unique(d for score, d in ranked if score >= best - FUZZY_TIE)


def _unique(districts: Any) -> list[District]:
    seen: dict[str, District] = {}
    for district in districts:
        seen.setdefault(district.id, district)
    return list(seen.values())


@cache
def _load(path: Path) -> DistrictDirectory:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    districts = [
        District(
            id=key,
            name=entry["name"],
            checked=bool(entry.get("checked")),
            address=entry.get("address"),
            phone=entry.get("phone"),
            places=(entry["name"], *entry.get("former_names", []), *entry["neighbourhoods"]),
        )
        for key, entry in raw["districts"].items()
    ]
    unit = raw["homeless_unit"]
    return DistrictDirectory(
        districts,
        HomelessUnit(unit["name"], unit["address"], unit["phone"], unit["source"]),
        raw["other_municipalities"],
        raw["source"],
    )
