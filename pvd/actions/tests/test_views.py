import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction, FicheHistory, LigneFinancement, Note
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory
from tests.utils import assert_queries_do_not_grow, assert_refused

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
TEAM = {"chef_de_projet", "equipe"}
CAN_COMMENT = CAN_VIEW - {"lecteur"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_plan_page_per_viewer_hides_confidential(client_for, dossier, kind, main):
    FicheFactory(dossier=dossier, titre="Réhabilitation de la halle", cout_ht=Decimal("250000"))
    FicheFactory(dossier=dossier, confidential=True)
    client = client_for(dossier, kind)
    response = client.get(url("plan", dossier))
    if kind not in CAN_VIEW:
        assert_refused(response, kind)
        return
    assert response.status_code == 200
    content = main(response)
    titles = [a.get_text(strip=True) for a in content.select("#plan-table tbody td a")]
    assert "Réhabilitation de la halle" in titles
    confidential_shown = "Acquisition foncière secrète" in titles
    assert confidential_shown == (kind in TEAM)
    assert ("Nouvelle fiche action" in content.get_text()) == (kind in TEAM)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_confidential_fiche_detail_and_exports(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier, confidential=True)
    client = client_for(dossier, kind)
    for name in ("fiche", "fiche_pdf", "fiche_docx"):
        response = client.get(url(name, dossier, fiche_pk=fiche.pk))
        if kind in TEAM:
            assert response.status_code == 200
        elif kind == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 404
    if kind in CAN_VIEW:
        csv = client.get(url("plan_csv", dossier)).content.decode("utf-8-sig")
        assert ("Acquisition foncière secrète" in csv) == (kind in TEAM)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_fiche_detail_per_viewer(client_for, dossier, kind, main):
    fiche = FicheFactory(dossier=dossier, titre="Halle", cout_ht=Decimal("1000000"))
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="Préfecture"), montant=Decimal("300000"))
    client = client_for(dossier, kind)
    response = client.get(url("fiche", dossier, fiche_pk=fiche.pk))
    if kind not in CAN_VIEW:
        assert_refused(response, kind)
        return
    content = main(response)
    assert "Halle" in content.h1.get_text()
    assert "30,00\xa0%" in content.select_one("#taux").get_text()
    assert "700" in content.select_one("#synthese").get_text()
    ligne_add = url("ligne_add", dossier, fiche_pk=fiche.pk)
    assert bool(content.select(f"form[action='{ligne_add}#ajout-ligne']")) == (kind in TEAM)
    assert bool(content.select(f"form[action='{url('note_add', dossier, fiche_pk=fiche.pk)}#ajout-note']")) == (
        kind in CAN_COMMENT
    )
    assert ("Soumettre au comité de projet" in content.get_text()) == (kind in TEAM)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_fiche_create_per_viewer(client_for, dossier, kind):
    axe = AxeFactory(dossier=dossier, numero=1)
    client = client_for(dossier, kind)
    data = {
        "titre": "Maison France services",
        "axes": [axe.pk],
        "statut": "a_venir",
        "maturite": "idee",
        "priorite": "haute",
        "cout_ht": "120000",
        "date_debut": "2025-03-01",
        "date_fin": "2026-03-01",
    }
    response = client.post(url("fiche_create", dossier), data)
    created = FicheAction.objects.filter(dossier=dossier, titre="Maison France services").first()
    if kind in TEAM:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert created.numero == 1 and list(created.axes.all()) == [axe]
        assert FicheHistory.objects.filter(fiche=created, champ="création").exists()
    else:
        assert_refused(response, kind)
        assert created is None


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_fiche_update_writes_history(client_for, dossier, kind, main):
    fiche = FicheFactory(dossier=dossier, numero=4, titre="Ancien titre")
    client = client_for(dossier, kind)
    data = {
        "numero": "4",
        "titre": "Nouveau titre",
        "statut": "en_cours",
        "maturite": "etude",
        "priorite": "moyenne",
        "cout_ht": "100000",
        "date_debut": "2025-01-01",
        "date_fin": "2026-06-30",
    }
    before = timezone.now()
    response = client.post(url("fiche_update", dossier, fiche_pk=fiche.pk), data)
    after = timezone.now()
    fiche.refresh_from_db()
    if kind not in TEAM:
        assert_refused(response, kind)
        assert fiche.titre == "Ancien titre"
        assert not fiche.historique.exists()
        return
    assert response.status_code == 302
    assert fiche.titre == "Nouveau titre" and fiche.statut == "en_cours"
    changes = {(h.champ, h.ancien, h.nouveau): h for h in fiche.historique.all()}
    titre = changes[("titre", "Ancien titre", "Nouveau titre")]
    assert ("statut", "À venir", "En cours") in changes
    # Who and when: the logged-in user, at the time of the request.
    assert {h.by for h in changes.values()} == {client.user}
    assert all(before <= h.at <= after for h in changes.values())
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    line = next(
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in page.select("#historique + div tbody tr")
        if "Ancien titre" in tr.get_text()
    )
    when = timezone.localtime(titre.at).strftime("%d/%m/%Y %H:%M")
    assert line == [when, client.user.get_full_name(), "titre", "Ancien titre", "Nouveau titre"]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_ligne_add_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("100"))
    client = client_for(dossier, kind)
    data = {
        "nouveau_financeur": "Région Grand Est",
        "type_financeur": "region",
        "dispositif": "region",
        "montant": "50",
        "statut": "sollicite",
    }
    response = client.post(url("ligne_add", dossier, fiche_pk=fiche.pk), data)
    if kind in TEAM:
        assert response.status_code == 302
        ligne = LigneFinancement.objects.get(fiche=fiche)
        assert ligne.financeur.nom == "Région Grand Est" and ligne.montant == Decimal("50")
    else:
        assert_refused(response, kind)
        assert not LigneFinancement.objects.filter(fiche=fiche).exists()


def test_ligne_add_refuses_negative_and_duplicate(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("100"))
    org = OrganisationFactory(nom="État")
    LigneFactory(fiche=fiche, financeur=org, dispositif="detr", statut="sollicite")
    client = client_for(dossier, "equipe")
    response = client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {"financeur": org.pk, "dispositif": "detr", "montant": "5", "statut": "accorde"},
    )
    assert response.status_code == 400
    assert "déjà une ligne" in main(response).select_one("#ligne").get_text()
    response = client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {"financeur": org.pk, "dispositif": "dsil", "montant": "-5", "statut": "accorde"},
    )
    assert response.status_code == 400
    assert fiche.financements.count() == 1


def test_funding_above_cost_warns(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("100"))
    LigneFactory(fiche=fiche, montant=Decimal("150"))
    content = main(client_for(dossier, "lecteur").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert "dépassent le coût HT" in content.select_one(".fr-alert--warning").get_text()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_note_add_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    response = client.post(
        url("note_add", dossier, fiche_pk=fiche.pk), {"date": "2025-05-02", "texte": "Réunion faite"}
    )
    if kind in CAN_COMMENT:
        assert response.status_code == 302
        assert Note.objects.get(fiche=fiche).texte == "Réunion faite"
    else:
        assert_refused(response, kind)
        assert not Note.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_etape_budget_indicateur_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    responses = [
        client.post(url("etape_add", dossier, fiche_pk=fiche.pk), {"nom": "Consultation", "date": "2025-06-01"}),
        client.post(
            url("budget_add", dossier, fiche_pk=fiche.pk),
            {"annee": "2025", "investissement": "1000", "fonctionnement": "200"},
        ),
        client.post(
            url("indicateur_add", dossier, fiche_pk=fiche.pk),
            {"nom": "Logements rénovés", "kind": "resultat", "unite": "logements", "frequence": "annuelle"},
        ),
    ]
    if kind in TEAM:
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert fiche.etapes.get().nom == "Consultation"
        assert fiche.budgets.get().total == Decimal("1200")
        assert fiche.indicateurs.get().dossier == dossier
        etape = fiche.etapes.get()
        client.post(url("etape_toggle", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk))
        etape.refresh_from_db()
        assert etape.faite
    else:
        for response in responses:
            assert_refused(response, kind)
        assert not fiche.etapes.exists() and not fiche.budgets.exists() and not fiche.indicateurs.exists()


def test_piece_add_validates_extension(client_for, dossier, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    assert client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "x", "file": bad}).status_code == 400
    good = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "Plan", "file": good}).status_code == 302
    assert fiche.pieces.get().titre == "Plan"


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_submit_per_viewer(client_for, dossier, kind):
    from pvd.gouvernance.models import PointOrdreDuJour

    fiche = FicheFactory(dossier=dossier)
    response = client_for(dossier, kind).post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    if kind in TEAM:
        assert response.status_code == 302
        assert PointOrdreDuJour.objects.filter(target_id=fiche.pk, seance__isnull=True).count() == 1
    else:
        assert_refused(response, kind)
        assert not PointOrdreDuJour.objects.exists()


def test_submission_then_decision_changes_displayed_state(client_for, dossier, main):
    from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
    from pvd.gouvernance.services import decision_record

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert page.select_one("#validation").get_text(strip=True) == "Non soumise"
    client.post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert page.select_one("#validation").get_text(strip=True) == "Soumise au comité de projet"
    assert "Soumettre au comité de projet" not in page.get_text()
    point = PointOrdreDuJour.objects.get(target_id=fiche.pk)
    instance = Instance.objects.create(dossier=dossier, kind="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date=timezone.make_aware(datetime.datetime(2025, 4, 3, 14)))
    point.save()
    decision_record(point=point, resultat="valide", by=client.user)
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    validation = page.select_one("#validation")
    assert " ".join(validation.get_text().split()) == "Validée le 3 avril 2025 (Comité de projet) — voir la séance"
    assert validation.select_one("a")["href"] == reverse("gouvernance:seance", args=[dossier.pk, point.seance.pk])
    plan = main(client.get(url("plan", dossier)))
    assert plan.select_one(f"tr[data-fiche='{fiche.pk}'] td:last-child").get_text(strip=True) == "Validée"


def _make_fiches(dossier, n):
    axes = [
        AxeFactory._meta.model.objects.get_or_create(dossier=dossier, numero=i, defaults={"titre": f"Axe {i}"})[0]
        for i in (1, 2)
    ]
    for i in range(n):
        fiche = FicheFactory(dossier=dossier, numero=i + 1, located=(i % 2 == 0))
        fiche.axes.set([axes[i % 2]])
        LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom=f"Org {i % 3}"))
        fiche.budgets.create(annee=2025, investissement=Decimal("10"), fonctionnement=Decimal("1"))
        fiche.etapes.create(nom="Étape", date=datetime.date(2025, 5, 1))


@pytest.mark.parametrize("name", ["plan", "maquette"])
def test_query_count_does_not_grow(client_for, dossier, name, main):
    client = client_for(dossier, "equipe")
    _make_fiches(dossier, 5)

    def grow():
        FicheAction.objects.filter(dossier=dossier).delete()
        _make_fiches(dossier, 100)

    small, large = assert_queries_do_not_grow(lambda: client.get(url(name, dossier)), grow=grow)
    if name == "plan":
        assert len(main(small).select("#plan-table tbody tr")) == 5
        # The table shows a page of PVD_PAGE_SIZE fiches (50), the totals count all of them.
        assert len(main(large).select("#plan-table tbody tr")) == 50
        assert "100 fiches" in main(large).get_text(" ")
        assert len(main(large).select("#carte-liste li")) == 50


def test_plan_filters_and_sort(client_for, dossier, main):
    axe1, axe2 = AxeFactory(dossier=dossier, numero=1), AxeFactory(dossier=dossier, numero=2)
    state = OrganisationFactory(nom="État")
    a = FicheFactory(
        dossier=dossier,
        numero=1,
        titre="Zèbre",
        statut="en_cours",
        date_debut=datetime.date(2024, 1, 1),
        date_fin=datetime.date(2024, 12, 31),
    )
    b = FicheFactory(dossier=dossier, numero=2, titre="Abeille", maturite="etude")
    a.axes.set([axe1])
    b.axes.set([axe2])
    LigneFactory(fiche=b, financeur=state)
    client = client_for(dossier, "lecteur")

    def titles(**params):
        content = main(client.get(url("plan", dossier), params))
        return [a.get_text(strip=True) for a in content.select("#plan-table tbody td a")]

    assert titles() == ["Zèbre", "Abeille"]
    assert titles(sort="titre") == ["Abeille", "Zèbre"]
    assert titles(sort="-numero") == ["Abeille", "Zèbre"]
    assert titles(axe=axe2.pk) == ["Abeille"]
    assert titles(statut="en_cours") == ["Zèbre"]
    assert titles(maturite="etude") == ["Abeille"]
    assert titles(financeur=state.pk) == ["Abeille"]
    assert titles(annee=2024) == ["Zèbre"]
    assert titles(annee=2026) == ["Abeille"]
    assert titles(statut="nimportequoi", sort="pirate") == ["Zèbre", "Abeille"]
    content = main(client.get(url("plan", dossier), {"axe": axe2.pk}))
    assert "1 fiche" in content.select_one("#compteurs").get_text()


def test_other_dossier_fiche_is_404(client_for, dossier):
    other = FicheFactory()
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("fiche", dossier, fiche_pk=other.pk)).status_code == 404
    assert client.post(url("fiche_submit", dossier, fiche_pk=other.pk)).status_code == 404


@pytest.fixture
def counted_plan(dossier):
    """Four fiches whose totals are computed by hand in the test below."""
    axe1, axe2 = AxeFactory(dossier=dossier, numero=1), AxeFactory(dossier=dossier, numero=2)
    etat, region, dept = (OrganisationFactory(nom=n) for n in ("État", "Région", "Département"))
    f1 = FicheFactory(dossier=dossier, statut="en_cours", cout_ht=Decimal("1000000"))
    f1.axes.set([axe1])
    LigneFactory(fiche=f1, financeur=etat, dispositif="detr", montant=Decimal("300000"), statut="accorde")
    LigneFactory(fiche=f1, financeur=region, dispositif="region", montant=Decimal("200000"), statut="sollicite")
    LigneFactory(fiche=f1, financeur=dept, dispositif="departement", montant=Decimal("50000"), statut="refuse")
    f2 = FicheFactory(dossier=dossier, statut="en_cours", cout_ht=Decimal("500000"))
    f2.axes.set([axe2])
    LigneFactory(fiche=f2, financeur=etat, dispositif="dsil", montant=Decimal("150000"), statut="accorde")
    f3 = FicheFactory(dossier=dossier, statut="a_venir", cout_ht=None)
    f3.axes.set([axe1])
    LigneFactory(fiche=f3, financeur=region, dispositif="region", montant=Decimal("20000"), statut="sollicite")
    f4 = FicheFactory(dossier=dossier, statut="realise", cout_ht=Decimal("250000.50"))
    f4.axes.set([axe2])
    return {"axe1": axe1, "etat": etat}


def _figures(content):
    text = " ".join(content.select_one("#compteurs").get_text().split()).replace("\u202f", " ").replace("\xa0", " ")
    badges = [" ".join(b.get_text().split()) for b in content.select(".fr-badges-group .fr-badge")]
    return text, badges


@pytest.mark.parametrize(
    ("query", "expected_text", "expected_badges"),
    [
        (
            {},
            "4 fiches — coût HT total : 1 750 000,50 € — accordé : 450 000,00 € — sollicité : 220 000,00 €",
            ["À venir : 1", "En cours : 2", "Réalisé : 1"],
        ),
        (
            {"axe": "axe1"},
            "2 fiches — coût HT total : 1 000 000,00 € — accordé : 300 000,00 € — sollicité : 220 000,00 €",
            ["À venir : 1", "En cours : 1"],
        ),
        (
            {"statut": "en_cours"},
            "2 fiches — coût HT total : 1 500 000,00 € — accordé : 450 000,00 € — sollicité : 200 000,00 €",
            ["En cours : 2"],
        ),
        (
            {"financeur": "etat"},
            "2 fiches — coût HT total : 1 500 000,00 € — accordé : 450 000,00 € — sollicité : 200 000,00 €",
            ["En cours : 2"],
        ),
    ],
)
def test_plan_page_totals_and_status_badges(
    client_for, dossier, counted_plan, main, query, expected_text, expected_badges
):
    # Refused lines count in nothing; a fiche without cost adds nothing to the cost.
    params = {key: (counted_plan[value].pk if value in counted_plan else value) for key, value in query.items()}
    content = main(client_for(dossier, "elu").get(url("plan", dossier), params))
    text, badges = _figures(content)
    assert text == expected_text
    assert badges == expected_badges
