"""The roll-up link set from the fiche's indicator form (plan.edit) and the axe indicator's rule
from the strategy's indicator form (strategie.edit)."""

import pytest
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.suivi.models import Agregation, Indicateur
from tests.utils import edit_fields, main

from .factories import IndicateurFactory
from .factories_etat import axe_indicator

pytestmark = pytest.mark.django_db


def _fiche_indicator(dossier, unite="logements"):
    return IndicateurFactory(dossier=dossier, fiche=FicheFactory(dossier=dossier), unite=unite, nom="Logements")


def _fiche_form_url(indicateur):
    return reverse(
        "actions:indicateur_update",
        kwargs={"dossier_pk": indicateur.dossier_id, "fiche_pk": indicateur.fiche_id, "indicateur_pk": indicateur.pk},
    )


def _post(indicateur, **changes):
    return {
        "nom": indicateur.nom,
        "kind": indicateur.kind,
        "unite": indicateur.unite,
        "frequence": indicateur.frequence,
        "contribue_a": "",
        **changes,
    }


@pytest.mark.parametrize("kind", ["chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"])
def test_fiche_form_sets_the_link_for_plan_editors_only(client_for, dossier, kind):
    target = axe_indicator(dossier)
    indicateur = _fiche_indicator(dossier)
    client = client_for(dossier, kind)
    url = _fiche_form_url(indicateur)
    response = client.post(url, {**_post(indicateur, contribue_a=target.pk), **edit_fields(client, url)})
    indicateur.refresh_from_db()
    if kind in {"chef_de_projet", "equipe"}:
        assert response.status_code == 302
        assert indicateur.contribue_a == target
    else:
        assert response.status_code == 403
        assert indicateur.contribue_a is None


def test_fiche_form_offers_the_axes_result_indicators_and_refuses_another_unit(client_for, dossier):
    target = axe_indicator(dossier)
    indicateur = _fiche_indicator(dossier, unite="€")
    client = client_for(dossier, "equipe")
    options = main(client.get(_fiche_form_url(indicateur))).select("select[name=contribue_a] option")
    assert [o.get_text(strip=True) for o in options][1:] == [f"Axe {target.axe.numero} — Logements rénovés (logements)"]
    url = _fiche_form_url(indicateur)
    response = client.post(url, {**_post(indicateur, contribue_a=target.pk), **edit_fields(client, url)})
    assert response.status_code == 400
    assert "seules des valeurs de même unité" in main(response).get_text()
    indicateur.refresh_from_db()
    assert indicateur.contribue_a is None


def test_fiche_add_form_sets_the_link(client_for, dossier):
    target = axe_indicator(dossier)
    fiche = FicheFactory(dossier=dossier)
    url = reverse("actions:indicateur_add", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    data = {
        "nom": "Logements",
        "kind": "resultat",
        "unite": "logements",
        "frequence": "annuelle",
        "contribue_a": target.pk,
    }
    assert client_for(dossier, "chef_de_projet").post(url, data).status_code == 302
    assert Indicateur.objects.get(fiche=fiche).contribue_a == target


@pytest.mark.parametrize("kind", ["chef_de_projet", "lecteur"])
def test_strategy_form_sets_the_rule(client_for, dossier, kind):
    target = axe_indicator(dossier)
    url = reverse("strategie:indicateur_update", kwargs={"dossier_pk": dossier.pk, "pk": target.pk})
    data = {
        "nom": target.nom,
        "kind": target.kind,
        "unite": target.unite,
        "frequence": target.frequence,
        "agregation": Agregation.DERNIERE,
    }
    client = client_for(dossier, kind)
    response = client.post(url, {**data, **edit_fields(client, url)})
    target.refresh_from_db()
    if kind == "chef_de_projet":
        assert response.status_code == 302
        assert target.agregation == Agregation.DERNIERE
    else:
        assert response.status_code == 403
        assert target.agregation == Agregation.SOMME
