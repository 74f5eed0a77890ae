"""Step 3 (diagnostic du territoire) and the diagnostic's validation by the comité de projet:
the rule of `pvd.diagnostic.steps` at its boundaries, the submission journey through the
séance's agenda, and what a change after the validation shows."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.diagnostic import services
from pvd.diagnostic.models import Diagnostic
from pvd.diagnostic.steps import diagnostic as step
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.perms import access_for
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE
from pvd.dossiers.tests.factories import MembreFactory
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.models import Instance, PointOrdreDuJour
from pvd.gouvernance.selectors import validation_state
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from tests.utils import assert_refused, edit_fields, main

from .factories_export import (
    AfomItemFactory,
    DiagnosticFactory,
    DonneeFactory,
    EtudeFactory,
    InitiativeFactory,
    PlanFactory,
    PointInteretFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef(dossier):
    return MembreFactory(dossier=dossier, role="chef_de_projet").user


def _index(dossier):
    return reverse("diagnostic:index", kwargs={"dossier_pk": dossier.pk})


def decide(dossier, chef, resultat="valide"):
    """The comité de projet decides on the diagnostic's pending submission at a held séance."""
    point = PointOrdreDuJour.objects.get(
        dossier=dossier, target_type=ContentType.objects.get_for_model(Diagnostic), decisions__isnull=True
    )
    comite = Instance.objects.filter(dossier=dossier, kind="comite_projet").first()
    seance = SeanceFactory(instance=comite or InstanceFactory(dossier=dossier, kind="comite_projet"), passee=True)
    gouvernance.point_add(seance=seance, pending=point, by=chef)
    return gouvernance.decision_record(point=point, resultat=resultat, by=chef)


def _step(dossier, user=None):
    etat, detail, action = step(dossier, access=access_for(user, dossier) if user else None)
    return etat, detail, action


# The rule at its boundaries ------------------------------------------------------------------


def test_nothing_is_a_venir_with_an_action_for_the_team_only(dossier, chef):
    etat, detail, action = _step(dossier, chef)
    assert (etat, detail) == (A_VENIR, "Le diagnostic n'est pas commencé.")
    assert (action.text, action.url, action.edit) == ("Construire le diagnostic", _index(dossier), True)
    lecteur = MembreFactory(dossier=dossier, role="lecteur").user
    assert _step(dossier, lecteur)[2] is None  # nothing to read yet


def test_reference_figures_an_empty_diagnostic_or_a_validated_document_do_not_start_it(dossier, chef):
    DonneeFactory(dossier=dossier, origine="reference")
    services.diagnostic_get_or_create(dossier=dossier)
    # A diagnostic document validated by the comité (the old rule) no longer ends nor starts step 3.
    document = DocumentFactory(dossier=dossier, kind="diagnostic")
    gouvernance.object_submit(dossier=dossier, target=document, titre="Diagnostic", by=chef)
    point = PointOrdreDuJour.objects.get(target_id=document.pk, target_type__model="document")
    seance = SeanceFactory(instance=InstanceFactory(dossier=dossier, kind="comite_projet"), passee=True)
    gouvernance.point_add(seance=seance, pending=point, by=chef)
    gouvernance.decision_record(point=point, resultat="valide", by=chef)
    assert _step(dossier, chef)[0] == A_VENIR


@pytest.mark.parametrize(
    "make",
    [
        lambda d: DonneeFactory(dossier=d, origine="import"),
        lambda d: DonneeFactory(dossier=d, origine="saisie"),
        lambda d: AfomItemFactory(dossier=d),
        lambda d: PlanFactory(dossier=d),
        lambda d: EtudeFactory(dossier=d),
        lambda d: InitiativeFactory(dossier=d),
        lambda d: PointInteretFactory(dossier=d),
        lambda d: DiagnosticFactory(dossier=d, histoire="Une ville de garnison.", dynamiques="", synthese=""),
    ],
    ids=["import", "saisie", "afom", "plan", "etude", "initiative", "point", "texte"],
)
def test_any_part_starts_it_and_the_synthesis_comes_first(dossier, chef, make):
    make(dossier)
    etat, detail, action = _step(dossier, chef)
    assert (etat, detail) == (EN_COURS, "Diagnostic en cours, pas encore soumis au comité de projet.")
    assert (action.text, action.url) == (
        "Rédiger la synthèse du diagnostic",
        reverse("diagnostic:edit", kwargs={"dossier_pk": dossier.pk}),
    )
    elu = MembreFactory(dossier=dossier, role="elu").user
    assert (_step(dossier, elu)[2].text, _step(dossier, elu)[2].edit) == ("Voir le diagnostic", False)


def test_with_its_synthesis_it_is_to_submit(dossier, chef):
    DiagnosticFactory(dossier=dossier)
    _etat, _detail, action = _step(dossier, chef)
    assert (action.text, action.url) == ("Soumettre le diagnostic au comité de projet", _index(dossier) + "#validation")


def test_submitted_then_adjourned_rejected_then_validated(dossier, chef):
    DiagnosticFactory(dossier=dossier)
    services.diagnostic_submit(dossier=dossier, by=chef)
    etat, detail, action = _step(dossier, chef)
    assert (etat, detail) == (EN_COURS, "Diagnostic soumis au comité de projet.")
    assert action.text == "Inscrire le diagnostic à une séance du comité de projet"
    elu = MembreFactory(dossier=dossier, role="elu").user
    assert _step(dossier, elu)[2].text == "Le diagnostic attend le comité de projet"

    decision = decide(dossier, chef, "ajourne")
    etat, detail, action = _step(dossier, chef)
    day = timezone.localtime(decision.point.seance.date).strftime("%d/%m/%Y")
    assert (etat, detail) == (EN_COURS, f"Diagnostic ajourné par le comité de projet le {day}.")
    assert action.text == "Soumettre de nouveau le diagnostic au comité de projet"

    services.diagnostic_submit(dossier=dossier, by=chef)
    decide(dossier, chef, "rejete")
    assert _step(dossier, chef)[:2] == (EN_COURS, f"Diagnostic rejeté par le comité de projet le {day}.")

    services.diagnostic_submit(dossier=dossier, by=chef)
    decide(dossier, chef, "valide")
    assert _step(dossier, chef) == (TERMINE, f"Diagnostic validé par le comité de projet le {day}.", None)
    with pytest.raises(ValidationError, match="déjà validé"):
        services.diagnostic_submit(dossier=dossier, by=chef)


def test_submission_needs_the_synthesis(dossier, chef):
    DiagnosticFactory(dossier=dossier, synthese="  ")
    with pytest.raises(ValidationError, match="Rédigez la synthèse"):
        services.diagnostic_submit(dossier=dossier, by=chef)
    assert not PointOrdreDuJour.objects.exists()


def test_a_change_after_the_validation_is_said_and_keeps_the_step_done(client_for, dossier, chef):
    DiagnosticFactory(dossier=dossier)
    services.diagnostic_submit(dossier=dossier, by=chef)
    decision = decide(dossier, chef)
    # Saving the same texts changes nothing.
    diagnostic = Diagnostic.objects.get(dossier=dossier)
    services.diagnostic_update(
        dossier=dossier,
        by=chef,
        histoire=diagnostic.histoire,
        dynamiques=diagnostic.dynamiques,
        synthese=diagnostic.synthese,
    )
    assert "modifié" not in _step(dossier, chef)[1]
    page = main(client_for(dossier, "lecteur").get(_index(dossier)))
    assert page.select_one("#validation [data-etat=valide]") is not None
    assert page.select_one("[data-modifie-depuis-validation]") is None

    # A study added later (a dated part), or new texts: « modifié depuis ».
    Decision = type(decision)
    Decision.objects.filter(pk=decision.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    EtudeFactory(dossier=dossier)
    etat, detail, _action = _step(dossier, chef)
    assert etat == TERMINE and detail.endswith(", modifié depuis.")
    page = main(client_for(dossier, "lecteur").get(_index(dossier)))
    assert page.select_one("[data-modifie-depuis-validation]").get_text(strip=True) == "Modifié depuis la validation"


def test_step_queries_are_constant(dossier, chef, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert step(dossier)[0] == A_VENIR
    DiagnosticFactory(dossier=dossier)
    services.diagnostic_submit(dossier=dossier, by=chef)
    decide(dossier, chef, "ajourne")
    step(dossier)  # content types cached
    with django_assert_num_queries(3):  # diagnostic with its parts, decisions, pending points
        assert step(dossier)[0] == EN_COURS
    for factory in (DonneeFactory, AfomItemFactory, PlanFactory, EtudeFactory, InitiativeFactory, PointInteretFactory):
        factory.create_batch(3, dossier=dossier)
    with django_assert_num_queries(3):
        step(dossier)


# The journey through the pages -----------------------------------------------------------------


def test_the_submit_journey_through_the_seance(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    DiagnosticFactory(dossier=dossier)
    comite = InstanceFactory(dossier=dossier, kind="comite_projet")
    seance = SeanceFactory(instance=comite, passee=True)
    page = main(client.get(_index(dossier)))
    assert page.select_one("#validation [data-etat=non_soumis]") is not None

    response = client.post(reverse("diagnostic:submit", kwargs={"dossier_pk": dossier.pk}))
    assert response.status_code == 302
    page = main(client.get(_index(dossier)))
    assert page.select_one("#validation [data-etat=soumis]") is not None
    assert page.select_one("#diagnostic-actions form") is None  # no second submission

    # The point is offered in the séance's agenda form.
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    options = main(client.get(seance_url)).select("select[name=point-pending] option")
    point = PointOrdreDuJour.objects.get(dossier=dossier)
    assert (str(point.pk), f"Validation du diagnostic du territoire — {dossier.nom}") in [
        (o["value"], o.get_text(strip=True)) for o in options
    ]
    client.post(
        reverse("gouvernance:point_add", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}),
        {"point-pending": point.pk, "point-titre": "", "point-description": "", "point-target": ""},
    )
    point.refresh_from_db()
    assert point.seance == seance
    decision_url = reverse(
        "gouvernance:decision", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": point.pk}
    )
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    client.post(
        decision_url,
        {"resultat": "valide", "texte": "Validé à l'unanimité.", **edit_fields(client, seance_url, decision_url)},
    )
    assert validation_state(Diagnostic.objects.get(dossier=dossier)).is_validated
    page = main(client.get(_index(dossier)))
    badge = page.select_one("#validation [data-etat=valide]")
    assert badge is not None and "voir la séance" in page.select_one("#validation").get_text()
    assert page.select_one("#diagnostic-actions form") is None
    home = main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    assert home.select_one('#etapes [data-step="diagnostic"]')["data-etat"] == TERMINE


@pytest.mark.parametrize("kind", ["anonymous", "outsider", "elu", "partenaire", "lecteur", "prefecture", "anct"])
def test_only_the_team_submits(client_for, dossier, kind):
    DiagnosticFactory(dossier=dossier)
    response = client_for(dossier, kind).post(reverse("diagnostic:submit", kwargs={"dossier_pk": dossier.pk}))
    assert_refused(response, kind)
    assert not PointOrdreDuJour.objects.exists()


@pytest.mark.parametrize("kind", ["chef_de_projet", "equipe"])
def test_the_team_submits(client_for, dossier, kind):
    DiagnosticFactory(dossier=dossier)
    client_for(dossier, kind).post(reverse("diagnostic:submit", kwargs={"dossier_pk": dossier.pk}))
    assert PointOrdreDuJour.objects.filter(dossier=dossier, seance__isnull=True).count() == 1


def test_the_demo_diagnostic_is_validated_at_the_first_seance(db):
    from pvd.dossiers import demo
    from pvd.gouvernance import demo as gouvernance_demo
    from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

    epci = EpciFactory(siren="200072999", nom="CC du Grand Langres")
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=epci, departement=DepartementFactory(code="52"))
    context = demo.seed_all()
    diagnostic = Diagnostic.objects.get(dossier=context.dossier)
    assert diagnostic.synthese.startswith("Le centre ancien concentre les enjeux")
    state = validation_state(diagnostic)
    assert state.is_validated and state.seance.lieu == gouvernance_demo.LIEU_PREMIERE
    etat, detail, _action = step(context.dossier)
    assert etat == TERMINE and not detail.endswith("modifié depuis.")
