"""The strategy as a whole (strategie.ProjetTerritoire) goes through the comité de projet:
submitted from the strategy page, decided on the séance page, its state back on the strategy page."""

import pytest
from django.urls import reverse

from pvd.gouvernance.models import PointOrdreDuJour
from pvd.gouvernance.selectors import target_lookup, validation_state
from pvd.strategie.models import ProjetTerritoire
from tests.utils import edit_fields, main

pytestmark = pytest.mark.django_db


def test_projet_de_territoire_submitted_decided_and_shown(client_for, dossier, seance):
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk}
    strategie_url = reverse("strategie:index", kwargs=kw)
    seance_url = reverse("gouvernance:seance", kwargs={**kw, "pk": seance.pk})

    assert main(client.get(strategie_url)).select_one("[data-etat]")["data-etat"] == "non_soumis"
    response = client.post(reverse("strategie:submit", kwargs=kw))
    assert response.status_code == 302
    projet = ProjetTerritoire.objects.get(dossier=dossier)
    assert validation_state(projet).code == "soumis"

    # The governance page lists the strategy with its state.
    index = main(client.get(reverse("gouvernance:index", kwargs=kw)))
    groups = {h.get_text(strip=True): h.find_next("ul") for h in index.select("#validations h3")}
    group = groups["Projet de territoire (stratégie dans son ensemble)"]
    assert str(projet) in group.get_text() and group.select_one("[data-etat]")["data-etat"] == "soumis"

    # The séance page offers the pending submission and the projet as a target.
    content = main(client.get(seance_url))
    pending = PointOrdreDuJour.objects.get(dossier=dossier, seance__isnull=True)
    assert str(pending.pk) in [o["value"] for o in content.select("#id_point-pending option")]
    assert f"projet:{projet.pk}" in [o["value"] for o in content.select("#id_point-target option")]
    client.post(reverse("gouvernance:point_add", kwargs={**kw, "pk": seance.pk}), {"point-pending": str(pending.pk)})
    pending.refresh_from_db()
    assert pending.seance == seance

    decision_url = reverse("gouvernance:decision", kwargs={**kw, "pk": seance.pk, "point_pk": pending.pk})
    seance_url = reverse("gouvernance:seance", kwargs={**kw, "pk": seance.pk})
    client.post(
        decision_url,
        {"resultat": "valide", "texte": "Stratégie adoptée.", **edit_fields(client, seance_url, decision_url)},
    )
    assert validation_state(projet).code == "valide"
    badge = main(client.get(strategie_url)).select_one("[data-etat]")
    assert badge["data-etat"] == "valide" and badge.get_text(strip=True) == "Validé"


def test_projet_target_lookup_is_scoped_to_the_dossier(dossier):
    from pvd.dossiers.tests.factories import DossierFactory

    own = ProjetTerritoire.objects.create(dossier=dossier)
    other = ProjetTerritoire.objects.create(dossier=DossierFactory())
    assert target_lookup(dossier, f"projet:{own.pk}") == own
    assert target_lookup(dossier, f"projet:{other.pk}") is None
