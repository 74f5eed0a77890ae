"""Editing what the fiche page shows: financing lines, attachments, indicators, number; the
organisations offered by the forms; notes in the history."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import ALL_VIEWERS
from pvd.actions import services
from pvd.actions.forms import FicheForm, LigneFinancementForm
from pvd.actions.models import FicheAction, FicheHistory, LigneFinancement, PieceJointe
from pvd.actions.selectors import organisations_for
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory
from pvd.actions.tests.test_views import TEAM, url
from pvd.dossiers.tests.factories import DossierFactory
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory
from tests.utils import assert_refused, edit_fields

pytestmark = pytest.mark.django_db


# --- Financing line: every field editable ---------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_ligne_update_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("1000"))
    ligne = LigneFactory(fiche=fiche, montant=Decimal("100"), statut="sollicite", dispositif="detr")
    client = client_for(dossier, kind)
    page = client.get(url("ligne_update", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk))
    data = {
        "nouveau_financeur": "Conseil départemental",
        "type_financeur": "departement",
        "dispositif": "departement",
        "montant": "250",
        "statut": "accorde",
        "date_decision": "2025-04-01",
        **edit_fields(client, url("ligne_update", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk)),
    }
    response = client.post(url("ligne_update", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk), data)
    ligne.refresh_from_db()
    if kind not in TEAM:
        assert_refused(page, kind)
        assert_refused(response, kind)
        assert ligne.montant == Decimal("100") and ligne.dispositif == "detr"
        return
    assert page.status_code == 200
    assert response.status_code == 302
    assert (ligne.financeur.nom, ligne.dispositif, ligne.montant, ligne.statut, ligne.date) == (
        "Conseil départemental",
        "departement",
        Decimal("250"),
        "accorde",
        datetime.date(2025, 4, 1),
    )
    assert fiche.historique.filter(champ="financement modifié").exists()


def test_ligne_update_refuses_negative_and_duplicate(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    etat = OrganisationFactory(nom="Préfecture", kind="etat")
    LigneFactory(fiche=fiche, financeur=etat, dispositif="detr", statut="sollicite")
    other = LigneFactory(fiche=fiche, financeur=etat, dispositif="dsil", montant=Decimal("7"))
    client = client_for(dossier, "equipe")
    edit = url("ligne_update", dossier, fiche_pk=fiche.pk, ligne_pk=other.pk)
    base = {
        "financeur": etat.pk,
        "dispositif": "dsil",
        "montant": "5",
        "statut": "accorde",
        **edit_fields(client, edit),
    }
    response = client.post(edit, {**base, "dispositif": "detr"})
    assert response.status_code == 400 and "déjà une ligne" in main(response).get_text()
    response = client.post(edit, {**base, "montant": "-5"})
    assert response.status_code == 400
    other.refresh_from_db()
    assert (other.dispositif, other.montant) == ("dsil", Decimal("7"))


def test_ligne_of_another_fiche_is_404(client_for, dossier):
    fiche, other = FicheFactory(dossier=dossier), FicheFactory(dossier=dossier)
    ligne = LigneFactory(fiche=other)
    response = client_for(dossier, "chef_de_projet").get(
        url("ligne_update", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk)
    )
    assert response.status_code == 404


def test_status_dropdown_shows_the_line_status(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    lignes = {
        s: LigneFactory(fiche=fiche, statut=s, dispositif=d) for s, d in (("accorde", "detr"), ("refuse", "dsil"))
    }
    page = main(client_for(dossier, "equipe").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    for statut, ligne in lignes.items():
        selected = page.select(f"#statut-{ligne.pk} option[selected]")
        assert [o["value"] for o in selected] == [statut]


# --- Attachments: deletion --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_piece_delete_per_viewer(
    client_for, make_viewer, dossier, kind, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    fiche = FicheFactory(dossier=dossier)
    author = make_viewer(dossier, "equipe")
    piece = services.piece_add(fiche=fiche, by=author, titre="Plan", file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"))
    path = tmp_path / piece.file.name
    assert path.exists()
    client = client_for(dossier, kind)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("piece_delete", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk))
    if kind not in TEAM:
        assert_refused(response, kind)
        assert PieceJointe.objects.filter(pk=piece.pk).exists() and path.exists()
        return
    assert response.status_code == 302
    assert not PieceJointe.objects.filter(pk=piece.pk).exists()
    assert path.exists()  # in the bin with its file until it is emptied (issue 14)
    assert fiche.historique.filter(champ="pièce jointe supprimée", ancien="Plan").exists()


# --- Fiche indicators: edit and delete (suivi's rules) ----------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_indicateur_update_and_delete_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    indicateur = IndicateurFactory(dossier=dossier, fiche=fiche, nom="Logements", unite="logements")
    client = client_for(dossier, kind)
    data = {
        "nom": "Logements rénovés",
        "kind": "resultat",
        "unite": "logements",
        "cible": "40",
        "frequence": "annuelle",
    }
    update = url("indicateur_update", dossier, fiche_pk=fiche.pk, indicateur_pk=indicateur.pk)
    edited = client.post(update, {**data, **edit_fields(client, update)})
    deleted = client.post(url("indicateur_delete", dossier, fiche_pk=fiche.pk, indicateur_pk=indicateur.pk))
    if kind not in TEAM:
        assert_refused(edited, kind)
        assert_refused(deleted, kind)
        indicateur.refresh_from_db()
        assert indicateur.nom == "Logements"
        return
    assert edited.status_code == 302 and deleted.status_code == 302
    assert not fiche.indicateurs.exists()
    changes = set(fiche.historique.values_list("champ", "ancien", "nouveau"))
    assert ("indicateur modifié", "Logements", "Logements rénovés") in changes
    assert ("indicateur supprimé", "Logements rénovés", "") in changes


def test_indicateur_update_uses_suivi_validation(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    indicateur = IndicateurFactory(dossier=dossier, fiche=fiche)
    client = client_for(dossier, "equipe")
    page = client.get(url("indicateur_update", dossier, fiche_pk=fiche.pk, indicateur_pk=indicateur.pk))
    assert page.status_code == 200 and "catalogue" not in page.context["form"].fields
    update = url("indicateur_update", dossier, fiche_pk=fiche.pk, indicateur_pk=indicateur.pk)
    response = client.post(
        update, {"nom": "", "kind": "resultat", "unite": "%", "frequence": "annuelle", **edit_fields(client, update)}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("nom")


def test_indicateur_with_measures_cannot_be_deleted(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    indicateur = IndicateurFactory(dossier=dossier, fiche=fiche)
    MesureFactory(indicateur=indicateur)
    client_for(dossier, "equipe").post(
        url("indicateur_delete", dossier, fiche_pk=fiche.pk, indicateur_pk=indicateur.pk)
    )
    assert fiche.indicateurs.filter(pk=indicateur.pk).exists()


def test_indicator_of_an_axe_is_not_reachable_through_a_fiche(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    axe_indicator = IndicateurFactory(dossier=dossier)
    response = client_for(dossier, "equipe").post(
        url("indicateur_delete", dossier, fiche_pk=fiche.pk, indicateur_pk=axe_indicator.pk)
    )
    assert response.status_code == 404


# --- The number of an existing fiche ----------------------------------------------------------


def _fiche_data(**extra):
    return {
        "titre": "Halle",
        "statut": "a_venir",
        "maturite": "idee",
        "priorite": "moyenne",
        **extra,
    }


def test_blank_number_on_edit_keeps_the_number(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier, numero=12)
    FicheFactory(dossier=dossier, numero=30)
    client = client_for(dossier, "equipe")
    page = main(client.get(url("fiche_update", dossier, fiche_pk=fiche.pk)))
    assert "numéro suivant" not in page.get_text()
    data = _fiche_data(numero="", **edit_fields(client, url("fiche_update", dossier, fiche_pk=fiche.pk)))
    response = client.post(url("fiche_update", dossier, fiche_pk=fiche.pk), data)
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.numero == 12 and fiche.titre == "Halle"


def test_new_fiche_form_says_blank_gives_the_next_number(dossier):
    assert "numéro suivant" in FicheForm(dossier=dossier).fields["numero"].help_text


# --- Organisations offered: those of this dossier, and national bodies -----------------------


def test_organisations_offered_leave_out_another_dossiers_local_funder(dossier, client_for, main):
    other = DossierFactory()
    secret = OrganisationFactory(nom="Fonds local d'ailleurs", dossier=other)
    LigneFactory(fiche=FicheFactory(dossier=other), financeur=secret)
    own = OrganisationFactory(nom="Fonds local d'ici", dossier=dossier)
    LigneFactory(fiche=FicheFactory(dossier=dossier), financeur=own)
    anct = OrganisationFactory(nom="ANCT", kind="anct")
    commune = dossier.communes.first()
    mairie = OrganisationFactory(nom="Mairie", kind="commune", commune=commune)
    offered = set(organisations_for(dossier))
    assert {own, anct, mairie} <= offered and secret not in offered
    form = LigneFinancementForm(dossier=dossier)
    assert secret not in form.fields["financeur"].queryset
    fiche_form = FicheForm(dossier=dossier)
    assert secret not in fiche_form.fields["maitre_ouvrage"].queryset
    assert secret not in fiche_form.fields["partenaires"].queryset
    fiche = FicheFactory(dossier=dossier)
    page = main(client_for(dossier, "equipe").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert "Fonds local d'ailleurs" not in page.select_one("#ligne").get_text()
    assert "Fonds local d'ici" in page.select_one("#ligne").get_text()


def test_new_funder_can_still_be_typed(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    client_for(dossier, "equipe").post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {"nouveau_financeur": "Fondation du patrimoine", "dispositif": "autre", "montant": "10", "statut": "sollicite"},
    )
    assert LigneFinancement.objects.get(fiche=fiche).financeur.nom == "Fondation du patrimoine"
    assert "Fondation du patrimoine" in {o.nom for o in organisations_for(dossier)}


# --- Notes in the history ---------------------------------------------------------------------


def test_notes_written_in_the_history(client_for, dossier, make_viewer):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "elu")
    client.post(url("note_add", dossier, fiche_pk=fiche.pk), {"date": "2025-05-02", "texte": "Visite du site"})
    note = fiche.notes.get()
    client.post(url("note_delete", dossier, fiche_pk=fiche.pk, note_pk=note.pk))
    rows = list(FicheHistory.objects.filter(fiche=fiche).values_list("champ", "ancien", "nouveau", "by"))
    assert ("note ajoutée", "", "02/05/2025 : Visite du site", client.user.pk) in rows
    assert ("note supprimée", "02/05/2025 : Visite du site", "", client.user.pk) in rows


def test_ttc_below_ht_refused():
    fiche = FicheFactory.build(cout_ht=Decimal("100"), cout_ttc=Decimal("90"))
    with pytest.raises(Exception, match="TTC"):
        fiche.clean()
    assert FicheAction is not None


# --- The point on a map -----------------------------------------------------------------------


def test_fiche_form_has_a_map_that_fills_the_coordinates(client_for, dossier, main):
    FicheFactory(dossier=dossier, located=True)
    page = main(client_for(dossier, "equipe").get(url("fiche_create", dossier)))
    assert page.select_one("input#id_latitude") and page.select_one("input#id_longitude")  # no-JS fallback
    carte = page.select_one("#carte-point")
    assert carte["data-editable"] == "1" and carte.has_attr("hidden")
    assert (carte["data-center-lat"], carte["data-center-lng"]) == ("47.862", "5.333")
    assert any("fiche_point.js" in s.get("src", "") for s in page.select("script"))


def test_fiche_page_shows_the_point(client_for, dossier, main):
    located = FicheFactory(dossier=dossier, located=True)
    plain = FicheFactory(dossier=dossier)
    client = client_for(dossier, "lecteur")
    carte = main(client.get(url("fiche", dossier, fiche_pk=located.pk))).select_one("#carte-point")
    assert (carte["data-lat"], carte["data-lng"], carte["data-editable"]) == ("47.862", "5.333", "0")
    assert main(client.get(url("fiche", dossier, fiche_pk=plain.pk))).select_one("#carte-point") is None


def test_new_partner_can_be_typed_on_the_fiche_form(client_for, dossier):
    anct = OrganisationFactory(nom="ANCT", kind="anct")
    fiche = FicheFactory(dossier=dossier, numero=3)
    client = client_for(dossier, "equipe")
    data = _fiche_data(
        numero="3",
        partenaires=[anct.pk],
        nouveaux_partenaires="Office de tourisme\n\nCCI locale\n",
        **edit_fields(client, url("fiche_update", dossier, fiche_pk=fiche.pk)),
    )
    response = client.post(url("fiche_update", dossier, fiche_pk=fiche.pk), data)
    assert response.status_code == 302
    assert sorted(p.nom for p in fiche.partenaires.all()) == ["ANCT", "CCI locale", "Office de tourisme"]
    assert {"CCI locale", "Office de tourisme"} <= {o.nom for o in organisations_for(dossier)}
    assert fiche.historique.filter(champ="partenaires").exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_ligne_statut_and_delete_per_viewer(client_for, dossier, kind):
    from pvd.actions.tests.factories import LigneFactory

    fiche = FicheFactory(dossier=dossier)
    ligne = LigneFactory(fiche=fiche, statut="sollicite")
    client = client_for(dossier, kind)
    statut = client.post(url("ligne_statut", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk), {"statut": "accorde"})
    ligne.refresh_from_db()
    if kind in TEAM:
        assert statut.status_code == 302 and ligne.statut == "accorde"
    else:
        assert_refused(statut, kind)
        assert ligne.statut == "sollicite"
    delete = client.post(url("ligne_delete", dossier, fiche_pk=fiche.pk, ligne_pk=ligne.pk))
    if kind in TEAM:
        assert delete.status_code == 302 and not fiche.financements.exists()
    else:
        assert_refused(delete, kind)
        assert fiche.financements.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_etape_toggle_and_piece_add_per_viewer(client_for, dossier, kind, media):
    fiche = FicheFactory(dossier=dossier)
    etape = fiche.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    client = client_for(dossier, kind)
    toggle = client.post(url("etape_toggle", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk))
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    piece = client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "Plan", "file": upload})
    etape.refresh_from_db()
    if kind in TEAM:
        assert toggle.status_code == 302 and etape.faite
        assert piece.status_code == 302 and fiche.pieces.get().titre == "Plan"
    else:
        assert_refused(toggle, kind)
        assert_refused(piece, kind)
        assert not etape.faite and not fiche.pieces.exists()
        assert not list(media.rglob("*.pdf"))


def test_refused_line_leaves_no_new_organisation(dossier):
    from django.core.exceptions import ValidationError

    from pvd.actions import services
    from pvd.territoires.models import Organisation

    fiche = FicheFactory(dossier=dossier)
    before = Organisation.objects.count()
    with pytest.raises(ValidationError):
        services.ligne_financement_create(
            fiche=fiche,
            by=None,
            nouveau_financeur="Fondation du patrimoine",
            type_financeur="autre",
            dispositif="autre",
            montant=Decimal("-1"),
            statut="sollicite",
        )
    assert Organisation.objects.count() == before
    ligne = services.ligne_financement_create(
        fiche=fiche,
        by=None,
        nouveau_financeur=" Fondation du patrimoine ",
        type_financeur="autre",
        dispositif="autre",
        montant=Decimal("10"),
        statut="sollicite",
    )
    assert ligne.financeur.nom == "Fondation du patrimoine"
    assert Organisation.objects.count() == before + 1


def test_view_refused_line_with_new_funder_leaves_no_organisation(client_for, dossier, monkeypatch):
    """Whatever the service refuses (here full_clean), the new funder typed in the form is not kept."""
    from django.core.exceptions import ValidationError

    from pvd.actions.models import LigneFinancement
    from pvd.territoires.models import Organisation

    def refuse(self, *args, **kwargs):
        raise ValidationError({"montant": "Refusé."})

    monkeypatch.setattr(LigneFinancement, "full_clean", refuse)
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {
            "nouveau_financeur": "Mécène inconnu",
            "type_financeur": "autre",
            "dispositif": "autre",
            "montant": "100",
            "statut": "sollicite",
        },
    )
    assert response.status_code == 400
    assert not Organisation.objects.filter(nom="Mécène inconnu").exists()
    assert not fiche.financements.exists()


def test_typed_organisation_reuses_existing_whatever_type_or_capitals(dossier):
    """« région grand est » typed as a partner or a funder is the existing « Région Grand Est »
    (type région), not a second row of type autre."""
    from pvd.actions import services
    from pvd.territoires.models import Organisation, OrganisationType

    region = OrganisationFactory(nom="Région Grand Est", kind=OrganisationType.REGION)
    before = Organisation.objects.count()
    fiche = services.fiche_create(
        dossier=dossier, by=None, titre="Halles", nouveaux_partenaires=["région grand est", " RÉGION GRAND EST "]
    )
    assert list(fiche.partenaires.all()) == [region]
    ligne = services.ligne_financement_create(
        fiche=fiche,
        by=None,
        nouveau_financeur="région grand est",
        type_financeur="autre",
        dispositif="autre",
        montant=Decimal("10"),
        statut="sollicite",
    )
    assert ligne.financeur == region
    other = LigneFactory(fiche=fiche)
    services.ligne_financement_update(ligne=other, by=None, financeur=None, nouveau_financeur="Région grand Est ")
    other.refresh_from_db()
    assert other.financeur == region
    assert Organisation.objects.count() == before + 1  # only the factory line's own funder
