import json

import pytest
from django.core.exceptions import ValidationError

from pvd.comptes.tests.factories import UserFactory
from pvd.gouvernance.selectors import validation_state
from pvd.strategie import selectors, services, steps
from pvd.strategie.models import AxeStrategique, ProjetTerritoire, ProjetTerritoireVersion, SecteurIntervention
from pvd.territoires.tests.factories import CommuneFactory

from .factories import AxeFactory, square

pytestmark = pytest.mark.django_db


def test_every_change_records_a_version_with_its_author(dossier, strategie, auteur):
    versions = list(ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).order_by("numero"))
    assert [v.numero for v in versions] == [1, 2, 3, 4, 5]
    assert [v.motif for v in versions] == [
        "Synthèse modifiée",
        "Axe 1 créé",
        "Sous-objectif ajouté à l'axe 1",
        "Indicateur « Taux de logements vacants » ajouté à l'axe 1",
        "Secteur « Périmètre ORT » créé",
    ]
    assert {v.auteur for v in versions} == {auteur}
    snapshot = versions[-1].snapshot
    assert snapshot["resume"] == "Une ville-centre attractive."
    assert snapshot["axes"][0]["partenaires"] == ["Anah"]
    assert snapshot["axes"][0]["indicateurs"][0]["nom"] == "Taux de logements vacants"
    # Saving without any change records nothing.
    services.projet_update(dossier=dossier, resume="Une ville-centre attractive.", by=auteur)
    assert ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).count() == 5


def test_version_diff_per_field(dossier, strategie, auteur):
    axe = strategie["axe"]
    autre = UserFactory()
    before = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero").snapshot
    services.axe_update(axe=axe, titre="Habitat", enjeux="La vacance.\nLe vieillissement.", by=autre)
    services.axe_indicateur_update(indicateur=strategie["indicateur"], cible=12, by=autre)
    services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=autre)
    last = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero")
    assert last.auteur == autre
    diffs = {d.label: d for d in selectors.snapshot_diff(before, last.snapshot)}
    axe_rows = {row.element: row for row in diffs["Axe 1 — Habitat"].rows}
    assert diffs["Axe 1 — Habitat"].change == "modifié"
    assert axe_rows["Titre"] == selectors.DiffRow("Titre", "Habitat et cadre de vie", "Habitat")
    enjeux = axe_rows["Enjeux"]
    assert (enjeux.before, enjeux.after) == ("La vacance.", "La vacance.\nLe vieillissement.")
    assert enjeux.after_parts == [(False, "La vacance."), (True, "\nLe vieillissement.")]  # the added words
    cible = next(r for r in diffs["Axe 1 — indicateur « Taux de logements vacants »"].rows if r.element == "Cible")
    assert cible.after == "12 (échéance non fixée)"
    assert diffs["Axe 2 — Commerce"].change == "ajouté"
    assert "Titre" in {row.element for row in diffs["Axe 2 — Commerce"].rows}
    assert "Partenaire mobilisé" not in axe_rows
    # And back: the removal of the axe is a deletion.
    removed = {d.label: d.change for d in selectors.snapshot_diff(last.snapshot, before)}
    assert removed["Axe 2 — Commerce"] == "supprimé"


def test_axe_numbers_unique_and_move(dossier, auteur):
    first = services.axe_create(dossier=dossier, numero=1, titre="Un", by=auteur)
    second = services.axe_create(dossier=dossier, numero=2, titre="Deux", by=auteur)
    with pytest.raises(ValidationError, match="existe déjà"):
        services.axe_create(dossier=dossier, numero=2, titre="Doublon", by=auteur)
    with pytest.raises(ValidationError, match="existe déjà"):
        services.axe_update(axe=first, numero=2, by=auteur)
    services.axe_move(axe=second, direction="up", by=auteur)
    assert list(AxeStrategique.objects.filter(dossier=dossier).values_list("titre", flat=True)) == ["Deux", "Un"]
    services.axe_move(axe=second, direction="up", by=auteur)  # already first: nothing moves
    assert list(AxeStrategique.objects.filter(dossier=dossier).values_list("titre", flat=True)) == ["Deux", "Un"]
    with pytest.raises(ValidationError):
        services.axe_update(axe=first, orientations_crte=["inconnue"], by=auteur)


def test_indicateur_must_belong_to_the_dossier(dossier, auteur):
    from pvd.suivi import services as suivi_services

    other_axe = AxeFactory()
    with pytest.raises(ValidationError, match="n'appartient pas"):
        suivi_services.indicateur_create(dossier=dossier, axe=other_axe, nom="X", kind="resultat", unite="%")
    with pytest.raises(ValidationError, match="rattache"):
        suivi_services.indicateur_create(dossier=dossier, nom="X", kind="resultat", unite="%")
    axe = AxeFactory(dossier=dossier)
    with pytest.raises(ValidationError):
        suivi_services.indicateur_create(
            dossier=dossier,
            axe=axe,
            nom="X",
            kind="resultat",
            unite="%",
            date_initiale="2024-01-01",
            echeance="2020-01-01",
        )


def test_secteur_must_be_in_a_commune_of_the_dossier(dossier, auteur):
    elsewhere = CommuneFactory()
    with pytest.raises(ValidationError) as error:
        services.secteur_create(
            dossier=dossier, nom="Ailleurs", kind="autre", commune=elsewhere, geometry=square(), by=auteur
        )
    assert "communes bénéficiaires" in str(error.value.message_dict["commune"])
    with pytest.raises(ValidationError) as error:
        services.secteur_create(
            dossier=dossier,
            nom="Bowtie",
            kind="autre",
            commune=dossier.communes.first(),
            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            by=auteur,
        )
    assert "se croise" in str(error.value.message_dict["geometry"])
    assert not SecteurIntervention.objects.exists()


def test_far_sector_is_warned(dossier, strategie, auteur):
    near = services.secteur_create(
        dossier=dossier,
        nom="Proche",
        kind="autre",
        commune=dossier.communes.first(),
        geometry=square(5.34, 47.87),
        by=auteur,
    )
    assert services.secteurs_warnings(dossier=near.dossier, secteurs=[near]) == []
    far = services.secteur_create(
        dossier=dossier,
        nom="Loin",
        kind="autre",
        commune=dossier.communes.first(),
        geometry=square(2.35, 48.85),
        by=auteur,
    )
    assert "km des autres secteurs" in services.secteurs_warnings(dossier=far.dossier, secteurs=[far])[0]


def test_geojson_export_import_round_trip(dossier, strategie, auteur):
    services.secteur_create(
        dossier=dossier,
        nom="Rue Diderot",
        kind="secteur_prioritaire",
        commune=dossier.communes.first(),
        geometry={
            "type": "MultiPolygon",
            "coordinates": [square(5.335, 47.86, 0.001)["coordinates"], square(5.338, 47.86, 0.001)["coordinates"]],
        },
        description="Le cœur commerçant.",
        by=auteur,
    )
    exported = json.dumps(selectors.secteurs_geojson(selectors.secteurs_of(dossier)))
    before = [
        (s.nom, s.kind, s.commune_id, s.description, s.geometry, s.surface_m2) for s in selectors.secteurs_of(dossier)
    ]
    SecteurIntervention.objects.filter(dossier=dossier).delete()
    result = services.secteurs_import(
        dossier=dossier, data=exported.encode(), kind="autre", commune=dossier.communes.first(), by=auteur
    )
    assert len(result.created) == 2
    assert result.warnings == []  # an export names known communes and kinds
    after = [
        (s.nom, s.kind, s.commune_id, s.description, s.geometry, s.surface_m2) for s in selectors.secteurs_of(dossier)
    ]
    assert after == before
    assert json.loads(exported) == selectors.secteurs_geojson(selectors.secteurs_of(dossier))


def test_import_of_an_invalid_collection_creates_nothing(dossier, auteur):
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": square(), "properties": {"nom": "Bon"}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}},
        ],
    }
    with pytest.raises(ValidationError, match="Objet n° 2"):
        services.secteurs_import(
            dossier=dossier, data=json.dumps(data), kind="autre", commune=dossier.communes.first(), by=auteur
        )
    assert not SecteurIntervention.objects.exists()


def test_publication_keeps_the_published_version(dossier, strategie, auteur):
    projet = services.projet_publish(dossier=dossier, by=auteur)
    published = projet.version_publiee
    services.axe_update(axe=strategie["axe"], titre="Brouillon", by=auteur)
    projet.refresh_from_db()
    assert projet.version_publiee == published
    assert published.snapshot["axes"][0]["titre"] == "Habitat et cadre de vie"


def test_submission_to_the_comite_and_steps(dossier, strategie, auteur):
    from pvd.dossiers.steps import EN_COURS, TERMINE
    from pvd.gouvernance.models import Instance, Seance
    from pvd.gouvernance.services import decision_record

    assert steps.strategie(dossier)[0] == EN_COURS
    point = services.projet_submit(dossier=dossier, by=auteur)
    projet = dossier.projet_territoire
    assert validation_state(projet).code == "soumis"
    with pytest.raises(ValidationError, match="déjà soumis"):
        services.projet_submit(dossier=dossier, by=auteur)
    instance = Instance.objects.create(dossier=dossier, kind="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date="2026-03-01T18:00:00Z")
    point.save()
    decision_record(point=point, resultat="valide", by=auteur)
    assert validation_state(projet).is_validated
    etat, detail, _action = steps.strategie(dossier)
    assert etat == TERMINE
    assert "périmètre ORT défini" in detail


def test_step_a_venir_without_content(dossier):
    from pvd.dossiers.steps import A_VENIR

    assert steps.strategie(dossier)[:2] == (A_VENIR, "Aucun axe stratégique ni périmètre ORT.")


def test_demo_is_idempotent(db):
    from pvd.dossiers.demo import DemoContext
    from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
    from pvd.strategie import demo
    from pvd.suivi.models import Indicateur

    dossier = DossierFactory()
    chef = MembreFactory(dossier=dossier).user
    context = DemoContext(dossier=dossier, users={"chef@demo.pvd.fr": chef})
    demo.seed(context)
    demo.seed(context)
    assert dossier.axes.count() == 4
    assert Indicateur.objects.filter(dossier=dossier).count() == 12
    assert {s.kind for s in dossier.secteurs.all()} == {"perimetre_ort", "secteur_prioritaire"}
    assert dossier.secteurs.count() == 3
    ort = dossier.secteurs.get(kind="perimetre_ort")
    assert 1_000_000 < ort.surface_m2 < 3_000_000  # about 236 ha
    projet = ProjetTerritoire.objects.get(dossier=dossier)
    assert projet.publie
    assert projet.version_publiee.snapshot["axes"][3]["titre"] == "Patrimoine, tourisme et transition écologique"
    versions = projet.versions.count()
    demo.seed(context)
    assert projet.versions.count() == versions


def test_import_records_one_version_and_falls_back_on_the_form_values(dossier, strategie, auteur):
    versions = ProjetTerritoireVersion.objects.count()
    feature = {"type": "Feature", "geometry": square(5.34, 47.87), "properties": {"commune": "99999", "kind": "?"}}
    data = {"type": "FeatureCollection", "features": [feature, {**feature, "properties": {"name": "Nommé"}}]}
    result = services.secteurs_import(
        dossier=dossier, data=json.dumps(data), kind="autre", commune=dossier.communes.first(), nom="Îlot", by=auteur
    )
    assert [(s.nom, s.kind, s.commune) for s in result.created] == [
        ("Îlot", "autre", dossier.communes.first()),
        ("Nommé", "autre", dossier.communes.first()),
    ]
    # The file said otherwise for the first feature: the user is told, not silently overridden.
    commune = dossier.communes.first()
    assert result.warnings == [
        "Objet n° 1 « Îlot » : le type « ? » est inconnu ; le type choisi dans le formulaire (Autre secteur) a "
        "été utilisé.",
        f"Objet n° 1 « Îlot » : la commune « 99999 » n'est pas une commune du dossier ; la commune choisie dans "
        f"le formulaire ({commune.nom}) a été utilisée.",
    ]
    assert ProjetTerritoireVersion.objects.count() == versions + 1
    assert ProjetTerritoireVersion.objects.latest("pk").motif == "2 secteurs importés depuis un GeoJSON"


def test_indicateur_with_mesures_cannot_be_deleted(dossier, strategie, auteur):
    import datetime

    from pvd.suivi.models import Mesure

    indicateur = strategie["indicateur"]
    Mesure.objects.create(indicateur=indicateur, date=datetime.date(2025, 1, 1), valeur=17)
    with pytest.raises(ValidationError, match="déjà des mesures"):
        services.axe_indicateur_delete(indicateur=indicateur, by=auteur)
    with pytest.raises(ValidationError, match="Des mesures"):
        services.axe_delete(axe=strategie["axe"], by=auteur)


def _versions(dossier):
    return ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).count()


def test_refused_submission_records_no_version(dossier, strategie, auteur):
    services.projet_submit(dossier=dossier, by=auteur)
    # The strategy changes behind the services' back: a new submission would snapshot it...
    ProjetTerritoire.objects.filter(dossier=dossier).update(resume="Changée en base.")
    count = _versions(dossier)
    with pytest.raises(ValidationError, match="déjà soumis"):
        services.projet_submit(dossier=dossier, by=auteur)
    # ...but it is refused, so no version is left behind.
    assert _versions(dossier) == count


def test_axe_submission_is_versioned_only_when_accepted(dossier, strategie, auteur):
    axe = strategie["axe"]
    AxeStrategique.objects.filter(pk=axe.pk).update(titre="Titre changé en base")
    count = _versions(dossier)
    services.axe_submit(axe=axe, by=auteur)
    assert validation_state(axe).code == "soumis"
    last = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero")
    assert _versions(dossier) == count + 1 and last.motif == "Axe 1 soumis au comité de projet"
    AxeStrategique.objects.filter(pk=axe.pk).update(titre="Encore changé")
    with pytest.raises(ValidationError, match="déjà soumis"):
        services.axe_submit(axe=axe, by=auteur)
    assert _versions(dossier) == count + 1


def test_axe_decided_cannot_be_deleted_a_pending_one_is_withdrawn(dossier, strategie, auteur):
    """The gouvernance's one rule, as for fiches and documents: a pending submission goes with
    the axe; once the comité de projet decided on it, the axe stays."""
    from pvd.gouvernance.models import Decision, PointOrdreDuJour
    from pvd.gouvernance.services import decision_record, point_add
    from pvd.gouvernance.tests.factories import SeanceFactory

    pending = services.axe_create(dossier=dossier, numero=3, titre="Mobilités", by=auteur)
    services.axe_submit(axe=pending, by=auteur)
    services.axe_delete(axe=pending, by=auteur)
    assert not AxeStrategique.objects.filter(pk=pending.pk).exists()
    assert not PointOrdreDuJour.objects.filter(target_id=pending.pk).exists()  # no point left pointing at nothing

    axe = strategie["axe"]
    point = services.axe_submit(axe=axe, by=auteur)
    seance = SeanceFactory(instance__dossier=dossier, passee=True)
    point_add(seance=seance, pending=point, by=auteur)
    decision_record(point=point, resultat="valide", by=auteur)
    refusal = "Cet axe a fait l'objet d'une décision du comité de projet : il ne peut pas être supprimé"
    with pytest.raises(ValidationError, match=refusal):
        services.axe_delete(axe=axe, by=auteur)
    assert AxeStrategique.objects.filter(pk=axe.pk).exists()
    assert Decision.objects.get().point.target == axe

    # An axe the comité never saw can still be deleted.
    free = services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=auteur)
    services.axe_delete(axe=free, by=auteur)
    assert not AxeStrategique.objects.filter(pk=free.pk).exists()


def test_diff_shows_a_change_of_shape_with_the_same_area_and_of_description(dossier, strategie, auteur):
    secteur = strategie["secteur"]
    before = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero").snapshot
    # The same square moved east: same latitude band, so exactly the same area.
    services.secteur_update(
        secteur=secteur,
        nom=secteur.nom,
        kind=secteur.kind,
        commune=secteur.commune,
        geometry=square(lon=5.343, size=0.01),
        by=auteur,
    )
    moved = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero")
    assert moved.motif == "Secteur « Périmètre ORT » modifié"
    assert moved.snapshot["secteurs"][0]["surface_m2"] == before["secteurs"][0]["surface_m2"]
    diffs = {d.label: d for d in selectors.snapshot_diff(before, moved.snapshot)}
    rows = diffs["Secteur « Périmètre ORT »"].rows
    assert [row.element for row in rows] == ["Forme"]  # the surface did not change
    assert rows[0].status == "Modifié"

    services.secteur_update(
        secteur=secteur,
        nom=secteur.nom,
        kind=secteur.kind,
        commune=secteur.commune,
        geometry=square(lon=5.343, size=0.01),
        description="Le cœur historique.",
        by=auteur,
    )
    described = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero")
    diffs = {d.label: d for d in selectors.snapshot_diff(moved.snapshot, described.snapshot)}
    assert diffs["Secteur « Périmètre ORT »"].rows == [selectors.DiffRow("Description", "", "Le cœur historique.")]
