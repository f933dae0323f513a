"""Finding the district office from what citizens type about where they live."""

from __future__ import annotations

import pytest

from bot.services.districts import DistrictDirectory


@pytest.fixture(scope="module")
def directory() -> DistrictDirectory:
    return DistrictDirectory.load()


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("tensta", "jarva"),
        ("Husby", "jarva"),
        ("rinkebi", "jarva"),  # a typing mistake
        ("jag bor i Rinkeby", "jarva"),
        ("Spånga", "jarva"),  # a district's name before the 2023 merger
        ("bredang", "skarholmen"),  # no å/ä/ö
        ("Sodermalm", "sodermalm"),
        ("Östermalm", "norra-innerstaden"),
        ("örby slott", "hagersten-alvsjo"),  # the longer name wins over Örby
        ("Örby", "enskede-arsta-vantor"),
        ("bagarmosen", "skarpnack"),
        ("hasselby strand", "hasselby-vallingby"),
    ],
)
def test_a_place_names_its_district(
    directory: DistrictDirectory, typed: str, district: str
) -> None:
    found = directory.place(typed).district
    assert found is not None
    assert found.id == district


def test_a_name_shared_by_two_districts_asks_which(directory: DistrictDirectory) -> None:
    placement = directory.place("hammarby")
    assert {d.id for d in placement.districts} == {"skarpnack", "sodermalm"}
    assert placement.district is None


@pytest.mark.parametrize("typed", ["Solna", "jag bor i Huddinge", "Fittja"])
def test_another_municipality_is_recognised(directory: DistrictDirectory, typed: str) -> None:
    placement = directory.place(typed)
    assert placement.other_municipality is not None
    assert placement.districts == []


@pytest.mark.parametrize("typed", ["xyzzy", "Stockholm", "", "jag vet inte"])
def test_nothing_known_is_nothing_guessed(directory: DistrictDirectory, typed: str) -> None:
    placement = directory.place(typed)
    assert placement.districts == []
    assert placement.other_municipality is None


def test_every_district_has_a_homeless_rule_and_eleven_districts(
    directory: DistrictDirectory,
) -> None:
    assert len(directory.districts) == 11
    assert directory.homeless_unit.phone == "08-508 25 301"
