"""Every change that records a version shows in the diff of that version with the previous one."""

import datetime
import re
from decimal import Decimal

from pvd.strategie import selectors, services
from pvd.strategie.models import ProjetTerritoireVersion

from .factories import square


def _last_diff(dossier):
    new, old = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).order_by("-numero")[:2]
    return {d.label: d for d in selectors.snapshot_diff(old.snapshot, new.snapshot)}


def test_renumbering_an_axe_shows_in_the_diff(dossier, strategie, auteur):
    services.axe_update(axe=strategie["axe"], numero=3, by=auteur)
    diffs = _last_diff(dossier)
    assert diffs["Axe 3 — numéro"].lines == [("-", "1"), ("+", "3")]


def test_renaming_an_indicator_shows_in_the_diff(dossier, strategie, auteur):
    services.axe_indicateur_update(indicateur=strategie["indicateur"], nom="Vacance des logements", by=auteur)
    diffs = _last_diff(dossier)
    lines = diffs["Axe 1 — indicateur « Vacance des logements »"].lines
    assert ("-", "Nom : Taux de logements vacants") in lines
    assert ("+", "Nom : Vacance des logements") in lines


def test_frequency_is_shown_by_its_label(dossier, strategie, auteur):
    services.axe_indicateur_update(indicateur=strategie["indicateur"], frequence="trimestrielle", by=auteur)
    lines = _last_diff(dossier)["Axe 1 — indicateur « Taux de logements vacants »"].lines
    assert ("+", "Fréquence : Trimestrielle") in lines
    assert not any("trimestrielle" in line for _, line in lines)


def test_renaming_a_sector_shows_in_the_diff(dossier, strategie, auteur):
    secteur = strategie["secteur"]
    services.secteur_update(
        secteur=secteur,
        nom="Cœur de ville",
        kind=secteur.kind,
        commune=secteur.commune,
        geometry=secteur.geometry,
        by=auteur,
    )
    lines = _last_diff(dossier)["Secteur « Cœur de ville »"].lines
    assert ("-", "Nom : Périmètre ORT") in lines
    assert ("+", "Nom : Cœur de ville") in lines


def test_moving_an_axe_shows_the_new_order(dossier, strategie, auteur):
    services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=auteur)
    assert "Ordre des axes" not in _last_diff(dossier)  # an added axe is shown on its own
    services.axe_move(axe=strategie["axe"], direction="down", by=auteur)
    diffs = _last_diff(dossier)
    assert list(diffs) == ["Ordre des axes"]
    assert [line for op, line in diffs["Ordre des axes"].lines if op == "+"] == [
        "1. Axe 2 — Commerce",
        "2. Axe 1 — Habitat et cadre de vie",
    ]


def test_numbers_and_dates_read_in_french(dossier, strategie, auteur):
    services.axe_indicateur_update(
        indicateur=strategie["indicateur"],
        valeur_initiale=Decimal("62000"),
        date_initiale=datetime.date(2020, 1, 1),
        cible=Decimal("18.5"),
        echeance=datetime.date(2028, 12, 31),
        by=auteur,
    )
    lines = _last_diff(dossier)["Axe 1 — indicateur « Taux de logements vacants »"].lines
    assert ("+", "Valeur de référence : 62\u202f000 (01/01/2020)") in lines
    assert ("+", "Cible : 18,5 (échéance 31/12/2028)") in lines
    assert not any("2020-01-01" in line or "62000" in line for _, line in lines)


def test_an_added_sector_reads_its_surface_and_shape(dossier, strategie, auteur):
    services.secteur_create(
        dossier=dossier,
        nom="Secteur gare",
        kind="secteur_prioritaire",
        commune=dossier.communes.first(),
        geometry=square(lon=5.36, size=0.02),
        by=auteur,
    )
    lines = _last_diff(dossier)["Secteur « Secteur gare »"].lines
    surface = next(line for _, line in lines if line.endswith(" ha"))
    assert re.fullmatch(r"Secteur d'intervention prioritaire, .+, \d+,\d\d ha", surface), surface  # not "331.76"
    assert ("+", "Forme : 1 polygone, 4 sommets") in lines  # a description, no technical hash


def test_a_new_outline_reads_modified_with_its_vertices(dossier, strategie, auteur):
    secteur = strategie["secteur"]
    pentagon = {
        "type": "Polygon",
        "coordinates": [
            [[5.333, 47.862], [5.343, 47.862], [5.345, 47.867], [5.338, 47.872], [5.331, 47.867], [5.333, 47.862]]
        ],
    }
    services.secteur_update(
        secteur=secteur, nom=secteur.nom, kind=secteur.kind, commune=secteur.commune, geometry=pentagon, by=auteur
    )
    lines = _last_diff(dossier)["Secteur « Périmètre ORT »"].lines
    assert ("-", "Forme : 1 polygone, 4 sommets") in lines
    assert ("+", "Forme : modifiée (1 polygone, 5 sommets)") in lines
