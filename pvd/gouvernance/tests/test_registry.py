"""The registry: an app that declares a model gets its objects submitted, decided and guarded by
the comité de projet, without the gouvernance knowing it.

The tests declare the consultations of `participation` (which the comité does not decide on
today) as a new app would in its `AppConfig.ready()`: only through `registry.register`.
"""

import ast
import pathlib

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.dossiers.perms import Access
from pvd.gouvernance import registry, selectors, services
from pvd.gouvernance.models import PointOrdreDuJour
from pvd.participation.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

Consultation = ConsultationFactory._meta.model


def _closed(consultation) -> bool:
    # The comité decides on what a consultation concluded: once it is closed.
    return consultation.cloture < timezone.localdate()


@pytest.fixture
def declared():
    """Consultations declared decidable for the test, then forgotten again."""
    assert registry.get(Consultation) is None
    decidable = registry.register(
        Consultation,
        key="consultation",
        label="Consultations des habitants",
        noun="cette consultation",
        feminine=True,
        submit_permission="participation.moderate",
        submittable=_closed,
        delete_hint="Laissez-la close.",
    )
    yield decidable
    registry.unregister(Consultation)
    assert registry.get(Consultation) is None


def test_an_undeclared_model_is_not_decided_on(dossier, user):
    consultation = ConsultationFactory(dossier=dossier, close=True)
    with pytest.raises(ValidationError, match="Le comité de projet ne se prononce pas sur cet objet"):
        services.object_submit(dossier=dossier, target=consultation, titre="Consultation", by=user)
    assert selectors.target_lookup(dossier, f"consultation:{consultation.pk}") is None
    assert "consultation" not in {key for key, _label, _objects in selectors.targetable_objects(dossier)}
    assert not selectors.may_submit(Access("chef_de_projet"), consultation)
    assert not PointOrdreDuJour.objects.exists()


def test_a_declared_model_is_submitted_decided_and_guarded(declared, dossier, seance, user):
    consultation = ConsultationFactory(dossier=dossier, close=True, question="Quel avenir pour la halle ?")
    ConsultationFactory(dossier=dossier)  # still open: not submittable
    ConsultationFactory(close=True)  # another dossier's

    # Offered to the comité, after the objects of the apps already declared.
    groups = selectors.targetable_objects(dossier)
    assert groups[-1] == ("consultation", "Consultations des habitants", [consultation])
    assert selectors.target_lookup(dossier, f"consultation:{consultation.pk}") == consultation
    # Who may submit: the permission the app declared.
    assert selectors.may_submit(Access("chef_de_projet"), consultation)
    assert not selectors.may_submit(Access("elu"), consultation)

    # Submitted: pending, in the feminine of its noun.
    point = services.object_submit(dossier=dossier, target=consultation, titre="La halle", by=user)
    state = selectors.validation_state(consultation)
    assert (state.code, state.label) == ("soumis", "Soumise au comité de projet")
    assert not selectors.may_submit(Access("chef_de_projet"), consultation)

    # Decided.
    services.point_add(seance=seance, pending=point, by=user)
    services.decision_record(point=point, resultat="valide", by=user)
    state = selectors.validation_state(consultation)
    assert (state.code, state.label, state.seance) == ("valide", "Validée", seance)
    [decided] = [p for p in selectors.seance_points(seance) if p.pk == point.pk]
    assert decided.current_decision.label == "Validée"
    validations = {group["label"]: group["items"] for group in selectors.dossier_validations(dossier)}
    assert [(item["object"], item["state"].code) for item in validations["Consultations des habitants"]] == [
        (consultation, "valide")
    ]

    # Guarded: the one rule refuses its deletion, in the words of its declaration.
    with pytest.raises(ValidationError) as refusal:
        services.decidable_delete_check(target=consultation)
    assert refusal.value.messages == [
        "Cette consultation a fait l'objet d'une décision du comité de projet : elle ne peut pas être supprimée. "
        "Laissez-la close."
    ]
    assert PointOrdreDuJour.objects.filter(pk=point.pk).exists()
    assert selectors.deletion_consequence(consultation) == ""  # nothing to withdraw: it is refused


def test_a_declared_model_pending_submission_is_withdrawn_before_its_deletion(declared, dossier, user):
    consultation = ConsultationFactory(dossier=dossier, close=True)
    assert selectors.deletion_consequence(consultation) == ""
    services.object_submit(dossier=dossier, target=consultation, titre="Consultation", by=user)
    assert selectors.deletion_consequence(consultation) == (
        "Sa soumission au comité de projet, en attente de décision, sera retirée."
    )
    assert services.decidable_delete_check(target=consultation) == 1
    assert selectors.validation_state(consultation).code == "non_soumis"
    assert not PointOrdreDuJour.objects.exists()


def test_a_declared_model_refuses_what_its_app_says_cannot_be_submitted(declared, dossier, user):
    ouverte = ConsultationFactory(dossier=dossier)
    with pytest.raises(ValidationError, match="ne se prononce pas sur cet objet"):
        services.object_submit(dossier=dossier, target=ouverte, titre="Consultation", by=user)
    assert selectors.target_lookup(dossier, f"consultation:{ouverte.pk}") is None
    assert not selectors.may_submit(Access("chef_de_projet"), ouverte)


def test_the_agenda_form_and_the_validations_offer_a_declared_model(declared, client_for, dossier, seance):
    consultation = ConsultationFactory(dossier=dossier, close=True, question="Quel avenir pour la halle ?")
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    page = BeautifulSoup(client.get(url).content, "html.parser")
    group = page.select_one("select[name='point-target'] optgroup[label='Consultations des habitants']")
    assert [(o["value"], o.get_text()) for o in group.select("option")] == [
        (f"consultation:{consultation.pk}", "Quel avenir pour la halle ?")
    ]
    response = client.post(
        reverse("gouvernance:point_add", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}),
        {"point-target": f"consultation:{consultation.pk}", "point-titre": "La halle"},
    )
    assert response.status_code == 302
    assert PointOrdreDuJour.objects.get().target == consultation

    index = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    validations = BeautifulSoup(client.get(index).content, "html.parser").select_one("#validations")
    assert "Consultations des habitants" in validations.get_text()
    assert "Quel avenir pour la halle ? : Soumise au comité de projet" in " ".join(validations.get_text().split())


def test_a_key_names_one_model():
    with pytest.raises(ValueError, match="clé « fiche »"):
        registry.register(Consultation, key="fiche", label="Consultations", noun="cette consultation")
    assert registry.get(Consultation) is None


def test_who_may_submit_is_a_permission_of_the_table():
    from pvd.dossiers.perms import PERMISSIONS

    assert all(d.submit_permission in PERMISSIONS for d in registry.decidables())


def test_the_apps_declare_what_the_comite_decides_on():
    declared = {d.label_lower: (d.key, d.feminine, d.submit_permission) for d in registry.decidables()}
    assert declared == {
        "strategie.projetterritoire": ("projet", False, "strategie.edit"),
        "strategie.axestrategique": ("axe", False, "strategie.edit"),
        "diagnostic.diagnostic": ("diagnostic", False, "diagnostic.edit"),
        "actions.ficheaction": ("fiche", True, "fiche.submit"),
        "conventions.convention": ("convention", True, "conventions.edit"),
        "documents.document": ("document", False, "documents.submit"),
        "pilotage.bilanannuel": ("bilan", False, "bilan.edit"),
    }


def test_a_required_member_declared_by_an_app_is_checked(comite):
    def treasurer(instance, membres):
        return [] if any(m.fonction == "trésorier" for m in membres) else [("le trésorier", "Le trésorier")]

    registry.register_required_members(treasurer)
    try:
        assert selectors.composition_missing(comite)[-1] == ("le trésorier", "Le trésorier")
    finally:
        registry.unregister_required_members(treasurer)
    assert ("le trésorier", "Le trésorier") not in selectors.composition_missing(comite)


DOMAIN_APPS = [["pvd", app] for app in ("actions", "strategie", "documents", "conventions", "participation", "suivi")]


def test_the_gouvernance_imports_no_domain_app():
    """What the comité decides on comes from the registry, never from an import (tests aside)."""
    root = pathlib.Path(__file__).resolve().parents[1]
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts or "migrations" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.name}: {name}" for name in names if name.split(".")[:2] in DOMAIN_APPS]
    assert found == []
