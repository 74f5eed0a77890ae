"""The plan d'action connected to the other apps: indicators through suivi's services and
catalogue, the intervention sector of a fiche (strategie.SecteurIntervention)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pvd.actions import services
from pvd.actions.models import FicheHistory
from pvd.actions.tests.factories import AxeFactory, FicheFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory

pytestmark = pytest.mark.django_db


def _fiche_url(fiche):
    return reverse("actions:fiche", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk})


def test_indicateur_create_delegates_to_suivi_and_logs(dossier, monkeypatch):
    from pvd.suivi import services as suivi_services

    calls = []
    original = suivi_services.indicateur_create

    def spy(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(suivi_services, "indicateur_create", spy)
    fiche = FicheFactory(dossier=dossier)
    user = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    indicateur = services.indicateur_create(
        fiche=fiche, by=user, nom="Logements rénovés", kind="mise_en_oeuvre", unite="logements"
    )
    assert len(calls) == 1 and calls[0]["fiche"] == fiche and calls[0]["dossier"] == dossier
    assert indicateur.fiche == fiche and indicateur.axe is None
    log = FicheHistory.objects.get(fiche=fiche)
    assert (log.champ, log.nouveau, log.by) == ("indicateur ajouté", "Logements rénovés", user)


def test_indicateur_create_applies_suivi_owner_rules(dossier):
    fiche = FicheFactory(dossier=dossier)
    with pytest.raises(ValidationError, match="pas aux deux"):
        services.indicateur_create(
            fiche=fiche, by=None, axe=AxeFactory(dossier=dossier), nom="X", kind="resultat", unite="u"
        )
    assert not fiche.indicateurs.exists() and not FicheHistory.objects.exists()


def test_fiche_indicator_from_catalogue(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    response = client.get(_fiche_url(fiche), {"modele": "logements_vacants"})
    assert response.status_code == 200
    form = main(response).select_one("form[action*='/indicateurs/']")
    assert form.select_one("input[name=nom]")["value"] == "Taux de logements vacants"
    assert form.select_one("input[name=unite]")["value"] == "%"
    assert form.select_one("input[name=catalogue]")["value"] == "logements_vacants"
    data = {"nom": "Taux de logements vacants", "kind": "resultat", "unite": "%", "frequence": "annuelle"}
    response = client.post(
        reverse("actions:indicateur_add", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk}),
        {**data, "catalogue": "logements_vacants"},
    )
    assert response.status_code == 302
    assert fiche.indicateurs.get().catalogue == "logements_vacants"
    response = client.post(
        reverse("actions:indicateur_add", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk}),
        {**data, "catalogue": "inconnu"},
    )
    assert response.status_code == 400 and fiche.indicateurs.count() == 1


def test_fiche_page_without_catalogue_choice_has_empty_indicator_form(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    response = client_for(dossier, "equipe").get(_fiche_url(fiche))
    form = main(response).select_one("form[action*='/indicateurs/']")
    assert not form.select_one("input[name=nom]").get("value")
    assert main(response).select_one("#catalogue select[name=modele]") is not None


# --- Intervention sector of a fiche ---------------------------------------------------------


def test_fiche_secteur_must_belong_to_the_dossier(dossier):
    from pvd.dossiers.tests.factories import DossierFactory
    from pvd.strategie.tests.factories import SecteurFactory

    own = SecteurFactory(dossier=dossier, nom="Centre ancien")
    other = SecteurFactory(dossier=DossierFactory(), nom="Ailleurs")
    fiche = services.fiche_create(dossier=dossier, by=None, titre="Halle", secteur=own)
    assert fiche.secteur == own
    with pytest.raises(ValidationError) as error:
        services.fiche_create(dossier=dossier, by=None, titre="Autre", secteur=other)
    assert "secteur" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.fiche_update(fiche=fiche, by=None, secteur=other)
    fiche.refresh_from_db()
    assert fiche.secteur == own
    services.fiche_update(fiche=fiche, by=None, secteur=None)
    assert FicheHistory.objects.filter(fiche=fiche, champ="secteur d'intervention", ancien="Centre ancien").exists()


def test_fiche_form_offers_only_the_dossier_sectors_and_page_shows_it(client_for, dossier, main):
    from pvd.dossiers.tests.factories import DossierFactory
    from pvd.strategie.tests.factories import SecteurFactory

    own = SecteurFactory(dossier=dossier, nom="Centre ancien", kind="perimetre_ort")
    SecteurFactory(dossier=DossierFactory(), nom="Ailleurs")
    client = client_for(dossier, "chef_de_projet")
    create_url = reverse("actions:fiche_create", kwargs={"dossier_pk": dossier.pk})
    options = [o.get_text(strip=True) for o in main(client.get(create_url)).select("select[name=secteur] option")]
    assert "Centre ancien" in options and "Ailleurs" not in options
    data = {"titre": "Halle", "statut": "a_venir", "maturite": "idee", "priorite": "moyenne", "secteur": own.pk}
    response = client.post(create_url, data)
    assert response.status_code == 302
    fiche = dossier.fiches.get()
    assert fiche.secteur == own
    text = main(client.get(_fiche_url(fiche))).select_one("#fiche-secteur").get_text(" ", strip=True)
    assert text == "Centre ancien (Périmètre ORT)"


def test_plan_filters_by_secteur(client_for, dossier, main):
    from pvd.strategie.tests.factories import SecteurFactory

    centre = SecteurFactory(dossier=dossier, nom="Centre ancien")
    gare = SecteurFactory(dossier=dossier, nom="Quartier de la gare")
    FicheFactory(dossier=dossier, titre="Halle", secteur=centre)
    FicheFactory(dossier=dossier, titre="Parvis de la gare", secteur=gare)
    FicheFactory(dossier=dossier, titre="Sans secteur")
    client = client_for(dossier, "lecteur")
    plan_url = reverse("actions:plan", kwargs={"dossier_pk": dossier.pk})
    content = main(client.get(plan_url, {"secteur": gare.pk}))
    titles = [a.get_text(strip=True) for a in content.select("#plan-table tbody td a")]
    assert titles == ["Parvis de la gare"]
    selected = content.select_one("select[name=secteur] option[selected]")
    assert selected.get_text(strip=True) == "Quartier de la gare"
    content = main(client.get(plan_url))
    assert len(content.select("#plan-table tbody td a")) == 3


def test_fiche_exports_show_the_sector(client_for, dossier):
    import io

    from docx import Document
    from pypdf import PdfReader

    from pvd.strategie.tests.factories import SecteurFactory

    fiche = services.fiche_create(
        dossier=dossier, by=None, titre="Halle", secteur=SecteurFactory(dossier=dossier, nom="Centre ancien")
    )
    client = client_for(dossier, "equipe")
    kwargs = {"dossier_pk": dossier.pk, "fiche_pk": fiche.pk}
    pdf = client.get(reverse("actions:fiche_pdf", kwargs=kwargs)).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Secteur d'intervention" in text and "Centre ancien" in text
    document = Document(io.BytesIO(client.get(reverse("actions:fiche_docx", kwargs=kwargs)).content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Secteur d'intervention", str(fiche.secteur)] in rows
