"""Refusals per role that the apps' own tests did not cover.

As everywhere in the project: anonymous → redirect to the login page; a user who may not see
the dossier (outsider, préfecture of another département) → 404; a user who may read the
dossier but not do the action → 403. A refused POST changes nothing. The équipe-projet (chef de
projet, équipe) is the control: the same request succeeds and changes something.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.conventions.models import ConventionEtat
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory, SecteurFactory, square
from tests.test_cross_dossier import snapshot
from tests.utils import edit_fields

pytestmark = pytest.mark.django_db

TEAM = {"chef_de_projet", "equipe"}
CANNOT_SEE = {"outsider", "prefecture_autre"}


def check_refusal(response, kind):
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    elif kind in CANNOT_SEE:
        assert response.status_code == 404
    else:
        assert response.status_code == 403


# --- The maquette financière: every reader of the dossier, nobody else ------------------------


@pytest.mark.parametrize("name", ["maquette", "maquette_xlsx"])
@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_maquette_per_viewer(client_for, dossier, kind, name):
    LigneFactory(fiche=FicheFactory(dossier=dossier))
    client = client_for(dossier, kind)
    response = client.get(reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk}))
    if kind == "anonymous" or kind in CANNOT_SEE:
        check_refusal(response, kind)
        return
    assert response.status_code == 200
    if name == "maquette":
        content = BeautifulSoup(response.content, "html.parser").select_one("#content")
        assert content.select_one("#maquette-financeurs") is not None


# --- Edits of the stratégie and the conventions: the équipe-projet only ----------------------


def world(dossier):
    axe = AxeFactory(dossier=dossier, numero=1)
    convention = ConventionFactory(dossier=dossier, etat=ConventionEtat.EN_SIGNATURE)
    return {
        "dossier": dossier,
        "commune": dossier.communes.first(),
        "axe": axe,
        "indicateur": IndicateurFactory(axe=axe),
        "secteur": SecteurFactory(dossier=dossier),
        "convention": convention,
        "signataire": SignataireFactory(convention=convention),
    }


INDICATEUR = {"nom": "Vacance commerciale", "kind": "resultat", "unite": "%", "frequence": "annuelle"}

# (url name, URL kwargs from the world, POST data from the world)
EDITS = [
    ("strategie:projet_edit", lambda w: {}, lambda w: {"resume": "Une ville qui revit."}),
    (
        "strategie:axe_update",
        lambda w: {"axe_pk": w["axe"].pk},
        lambda w: {"numero": "1", "titre": "Axe renommé", "echelle": "commune"},
    ),
    ("strategie:indicateur_create", lambda w: {"axe_pk": w["axe"].pk}, lambda w: INDICATEUR),
    ("strategie:indicateur_update", lambda w: {"pk": w["indicateur"].pk}, lambda w: INDICATEUR),
    ("strategie:indicateur_delete", lambda w: {"pk": w["indicateur"].pk}, lambda w: {}),
    (
        "strategie:secteur_update",
        lambda w: {"pk": w["secteur"].pk},
        lambda w: {
            "nom": "Centre ancien",
            "kind": w["secteur"].kind,
            "commune": w["commune"].pk,
            "geometry": json.dumps(square()),
        },
    ),
    (
        "strategie:secteurs_import",
        lambda w: {},
        lambda w: {
            "texte": json.dumps({"type": "Feature", "properties": {"nom": "Faubourg"}, "geometry": square(lon=5.34)}),
            "kind": "autre",
            "commune": w["commune"].pk,
        },
    ),
    (
        "conventions:update",
        lambda w: {"pk": w["convention"].pk},
        lambda w: {"titre": "Adhésion", "duree_annees": "6", "etat": "en_signature"},
    ),
    (
        "conventions:signataire_update",
        lambda w: {"pk": w["convention"].pk, "signataire_pk": w["signataire"].pk},
        lambda w: {
            "organisation": w["signataire"].organisation_id,
            "representant": "Mme Martin",
            "qualite": "Présidente",
        },
    ),
]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize("name, kwargs, data", EDITS, ids=[e[0] for e in EDITS])
def test_edit_post_refused_to_who_may_not_edit(client_for, dossier, kind, name, kwargs, data):
    w = world(dossier)
    client = client_for(dossier, kind)
    path = reverse(name, kwargs={"dossier_pk": dossier.pk, **kwargs(w)})
    read = edit_fields(client, path)  # an edit form's version (pvd.core.concurrency), for who may edit
    before = snapshot()
    response = client.post(path, {**data(w), **read})
    if kind in TEAM:
        assert response.status_code == 302
        assert snapshot() != before
    else:
        check_refusal(response, kind)
        assert snapshot() == before
