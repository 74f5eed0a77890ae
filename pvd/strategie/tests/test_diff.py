"""Every change that records a version shows in the diff of that version with the previous one."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.strategie import selectors, services
from pvd.strategie.models import ProjetTerritoireVersion
from pvd.strategie.selectors import DiffRow
from tests.utils import main

from .factories import square


def _last_diff(dossier):
    new, old = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).order_by("-numero")[:2]
    return {d.label: d for d in selectors.snapshot_diff(old.snapshot, new.snapshot)}


def test_renumbering_an_axe_shows_in_the_diff(dossier, strategie, auteur):
    services.axe_update(axe=strategie["axe"], numero=3, by=auteur)
    diffs = _last_diff(dossier)
    assert diffs["Axe 3 — Habitat et cadre de vie"].rows == [DiffRow("Numéro", "1", "3")]


def test_renaming_an_indicator_shows_in_the_diff(dossier, strategie, auteur):
    services.axe_indicateur_update(indicateur=strategie["indicateur"], nom="Vacance des logements", by=auteur)
    diffs = _last_diff(dossier)
    rows = diffs["Axe 1 — indicateur « Vacance des logements »"].rows
    assert rows == [DiffRow("Nom", "Taux de logements vacants", "Vacance des logements")]


def test_frequency_is_shown_by_its_label(dossier, strategie, auteur):
    services.axe_indicateur_update(indicateur=strategie["indicateur"], frequence="trimestrielle", by=auteur)
    rows = _last_diff(dossier)["Axe 1 — indicateur « Taux de logements vacants »"].rows
    assert rows == [DiffRow("Fréquence", "Annuelle", "Trimestrielle")]


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
    rows = _last_diff(dossier)["Secteur « Cœur de ville »"].rows
    assert rows == [DiffRow("Nom", "Périmètre ORT", "Cœur de ville")]


def test_moving_an_axe_shows_the_new_order(dossier, strategie, auteur):
    services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=auteur)
    assert "Ordre des axes" not in _last_diff(dossier)  # an added axe is shown on its own
    services.axe_move(axe=strategie["axe"], direction="down", by=auteur)
    diffs = _last_diff(dossier)
    assert list(diffs) == ["Ordre des axes"]
    assert diffs["Ordre des axes"].rows == [
        DiffRow("Position 1", "Axe 1 — Habitat et cadre de vie", "Axe 2 — Commerce"),
        DiffRow("Position 2", "Axe 2 — Commerce", "Axe 1 — Habitat et cadre de vie"),
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
    rows = {row.element: row for row in _last_diff(dossier)["Axe 1 — indicateur « Taux de logements vacants »"].rows}
    assert rows["Valeur de référence"].after == "62\u00a0000 (01/01/2020)"
    assert rows["Cible"].after == "18,5 (échéance 31/12/2028)"
    assert not any("2020-01-01" in row.after or "62000" in row.after for row in rows.values())


def test_an_added_sector_reads_its_surface_and_shape(dossier, strategie, auteur):
    services.secteur_create(
        dossier=dossier,
        nom="Secteur gare",
        kind="secteur_prioritaire",
        commune=dossier.communes.first(),
        geometry=square(lon=5.36, size=0.02),
        by=auteur,
    )
    diff = _last_diff(dossier)["Secteur « Secteur gare »"]
    assert diff.change == "ajouté"
    rows = {row.element: row for row in diff.rows}
    assert all(row.before is None and row.status == "Ajouté" for row in diff.rows)
    assert rows["Type"].after == "Secteur d'intervention prioritaire"  # every value labelled
    assert re.fullmatch(r"\d+,\d\d ha", rows["Surface"].after), rows["Surface"].after  # not "331.76"
    assert rows["Forme"].after == "1 polygone, 4 sommets"  # a description, no technical hash


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
    rows = {row.element: row for row in _last_diff(dossier)["Secteur « Périmètre ORT »"].rows}
    assert rows["Forme"] == DiffRow("Forme", "1 polygone, 4 sommets", "modifiée (1 polygone, 5 sommets)")


def test_an_indicator_without_values_reads_not_filled_in(dossier, strategie, auteur):
    services.axe_indicateur_create(axe=strategie["axe"], by=auteur, nom="Commerces ouverts", kind="resultat", unite="%")
    rows = {row.element: row for row in _last_diff(dossier)["Axe 1 — indicateur « Commerces ouverts »"].rows}
    assert rows["Valeur de référence"].after == "non renseignée"  # not "— (sans date)"
    assert rows["Cible"].after == "non fixée"


PARIS = datetime.timezone(datetime.timedelta(hours=1))  # winter time in Europe/Paris


def test_diff_header_names_the_authors_and_dates_of_both_versions(client_for, dossier, strategie, auteur):
    # Version 5 by Claire Martin (the fixture), version 6 by someone else.
    other = UserFactory(first_name="Paul", last_name="Durand")
    services.axe_update(axe=strategie["axe"], titre="Habitat", by=other)
    versions = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier)
    versions.filter(numero=5).update(created_at=datetime.datetime(2025, 3, 3, 10, 15, tzinfo=PARIS))
    versions.filter(numero=6).update(created_at=datetime.datetime(2025, 3, 4, 16, 5, tzinfo=PARIS))
    assert versions.get(numero=5).auteur == auteur
    client = client_for(dossier, "lecteur")
    url = reverse("strategie:version_diff", kwargs={"dossier_pk": dossier.pk})
    header = main(client.get(url + "?a=5&b=6")).select_one("#diff-entete").get_text(" ", strip=True)
    header = " ".join(header.split())
    assert header.startswith(
        "De la version 5 (3 mars 2025 à 10:15, Claire Martin) à la version 6 (4 mars 2025 à 16:05, Paul Durand"
    )
    assert header.endswith(f": {versions.get(numero=6).motif}).")
    # From an empty project to the first version.
    header = main(client.get(url + "?b=1")).select_one("#diff-entete").get_text(" ", strip=True)
    assert " ".join(header.split()).startswith("Depuis un projet vide à la version 1 (")
    assert "Claire Martin" in header
