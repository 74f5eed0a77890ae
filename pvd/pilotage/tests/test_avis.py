"""The State's opinions (avis) on a fiche action or a convention: who gives them, who reads them,
the history kept (latest first, nothing overwritten), and never on a confidential fiche."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers.perms import access_for
from pvd.pilotage import avis as services
from pvd.pilotage.models import Avis, AvisSens
from tests.utils import assert_refused, main

GIVERS = {"prefecture", "anct"}
READERS = {"chef_de_projet", "equipe", "prefecture", "anct"}


def _url(target, kind="fiche"):
    return reverse("pilotage:avis_create", kwargs={"dossier_pk": target.dossier_id, "kind": kind, "pk": target.pk})


def _fiche_url(fiche):
    return reverse("actions:fiche", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk})


def _convention_url(convention):
    return reverse("conventions:detail", kwargs={"dossier_pk": convention.dossier_id, "pk": convention.pk})


def _prefet(dossier):
    return UserFactory(
        prefecture=True, departement=dossier.communes.first().departement, first_name="Marc", last_name="Lefebvre"
    )


def _give(dossier, user, target, sens=AvisSens.FAVORABLE, texte="Avis motivé.", date=datetime.date(2025, 3, 1)):
    kind = "fiche" if target.__class__.__name__ == "FicheAction" else "convention"
    return services.avis_create(
        dossier=dossier,
        user=user,
        access=access_for(user, dossier),
        sens=sens,
        texte=texte,
        date=date,
        **{kind: target},
    )


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_the_state_gives_an_avis_on_a_fiche(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    data = {"sens": "reserve", "date": "2025-03-01", "texte": "Sous réserve du plan de financement."}
    response = client.post(_url(fiche), data)
    if kind in GIVERS:
        assert response.status_code == 302
        assert response["Location"] == _fiche_url(fiche) + "#avis"
        avis = Avis.objects.get()
        assert (avis.fiche, avis.convention, avis.sens, avis.auteur) == (fiche, None, "reserve", client.user)
        assert avis.emetteur == (
            "ANCT" if kind == "anct" else f"Préfecture — {dossier.communes.first().departement.nom}"
        )
    else:
        assert_refused(response, kind)
        assert not Avis.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_the_state_gives_an_avis_on_a_convention(client_for, dossier, kind):
    convention = ConventionFactory(dossier=dossier)
    client = client_for(dossier, kind)
    response = client.post(
        _url(convention, "convention"), {"sens": "favorable", "date": "2025-03-01", "texte": "Conforme."}
    )
    if kind in GIVERS:
        assert response.status_code == 302
        assert response["Location"] == _convention_url(convention) + "#avis"
        assert Avis.objects.get().convention == convention
    else:
        assert_refused(response, kind)
        assert not Avis.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_the_team_and_the_state_read_the_avis_on_the_fiche_page(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    _give(dossier, _prefet(dossier), fiche, texte="Éligible à la DSIL.")
    response = client_for(dossier, kind).get(_fiche_url(fiche))
    if kind in ("anonymous", "outsider", "prefecture_autre"):
        assert_refused(response, kind)
        return
    section = main(response).select_one("#avis-liste")
    if kind in READERS:
        assert "Éligible à la DSIL." in section.get_text()
        assert "Préfecture" in section.get_text() and "Marc Lefebvre" in section.get_text()
        # Only the State is offered to give one.
        assert bool(main(response).select_one("#avis-donner")) == (kind in GIVERS)
    else:
        assert section is None


def test_avis_are_kept_latest_first_and_never_overwritten(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    prefet = _prefet(dossier)
    first = _give(dossier, prefet, fiche, AvisSens.RESERVE, "Sous réserve.", datetime.date(2024, 3, 10))
    second = _give(dossier, prefet, fiche, AvisSens.FAVORABLE, "Levée des réserves.", datetime.date(2024, 9, 4))
    # Given later but dated earlier: the date of the avis orders the history.
    third = _give(
        dossier, UserFactory(anct=True), fiche, AvisSens.DEFAVORABLE, "Hors programme.", datetime.date(2023, 1, 5)
    )
    assert list(services.avis_of(fiche)) == [second, first, third]
    first.refresh_from_db()
    assert (first.sens, first.texte) == (AvisSens.RESERVE, "Sous réserve.")
    items = main(client_for(dossier, "chef_de_projet").get(_fiche_url(fiche))).select("#avis-liste > li")
    assert [item.select_one(".fr-badge").get_text(strip=True) for item in items] == [
        "Avis favorable",
        "Avis réservé",
        "Avis défavorable",
    ]
    assert "le 04/09/2024" in items[0].get_text()


def test_the_convention_page_shows_its_avis(client_for, dossier):
    convention = ConventionFactory(dossier=dossier)
    _give(dossier, _prefet(dossier), convention, texte="Périmètre ORT à joindre.")
    response = client_for(dossier, "chef_de_projet").get(_convention_url(convention))
    assert "Périmètre ORT à joindre." in main(response).select_one("#avis-liste").get_text()
    assert main(response).select_one("#avis-donner") is None


def test_the_state_cannot_give_an_avis_on_a_confidential_fiche(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, confidential=True)
    client = client_for(dossier, "prefecture")
    assert client.get(_url(fiche)).status_code == 404
    assert client.post(_url(fiche), {"sens": "favorable", "date": "2025-03-01", "texte": "x"}).status_code == 404
    with pytest.raises(ValidationError, match="pas visible"):
        _give(dossier, client.user, fiche)
    assert not Avis.objects.exists()


def test_no_avis_on_the_fiche_of_another_dossier(client_for, dossier):
    other = FicheFactory()  # another dossier, same State scope for ANCT
    client = client_for(dossier, "anct")
    url = reverse("pilotage:avis_create", kwargs={"dossier_pk": dossier.pk, "kind": "fiche", "pk": other.pk})
    assert client.post(url, {"sens": "favorable", "date": "2025-03-01", "texte": "x"}).status_code == 404
    with pytest.raises(ValidationError, match="n'appartient pas"):
        services.avis_create(
            dossier=dossier,
            user=client.user,
            access=access_for(client.user, dossier),
            fiche=other,
            sens="favorable",
            texte="x",
            date=datetime.date(2025, 1, 1),
        )


def test_the_service_refuses_who_may_not_give_one(dossier, make_viewer):
    fiche = FicheFactory(dossier=dossier)
    with pytest.raises(PermissionDenied):
        _give(dossier, make_viewer(dossier, "chef_de_projet"), fiche)


def test_bad_input_is_refused_in_french_and_nothing_saved(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "prefecture")
    response = client.post(_url(fiche), {"sens": "", "date": "2999-01-01", "texte": ""})
    assert response.status_code == 400
    text = main(response).get_text()
    assert "Ce champ est obligatoire." in text
    response = client.post(_url(fiche), {"sens": "favorable", "date": "2999-01-01", "texte": "Avis."})
    assert response.status_code == 400
    assert "La date de l'avis ne peut pas être dans le futur." in main(response).get_text()
    assert not Avis.objects.exists()


def test_an_unknown_kind_of_object_is_not_found(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    url = reverse("pilotage:avis_create", kwargs={"dossier_pk": dossier.pk, "kind": "axe", "pk": fiche.pk})
    assert client_for(dossier, "anct").get(url).status_code == 404


def test_the_avis_outlives_its_fiche_with_its_name(dossier):
    fiche = FicheFactory(dossier=dossier, numero=4, titre="Halle couverte")
    avis = _give(dossier, _prefet(dossier), fiche)
    fiche.delete()
    avis.refresh_from_db()
    assert (avis.fiche, avis.objet, avis.dossier) == (None, "Fiche 4 — Halle couverte", dossier)


def test_the_admin_only_reads_the_avis(dossier):
    avis = _give(dossier, _prefet(dossier), FicheFactory(dossier=dossier))
    admin = site._registry[Avis]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, avis)
    assert not admin.has_delete_permission(request, avis)
    assert admin.has_view_permission(request, avis)
