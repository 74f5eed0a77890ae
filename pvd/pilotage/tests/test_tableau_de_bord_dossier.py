"""The tableau de bord de suivi and the Alertes block of the dossier home: hand-checked figures,
every role (with the refusals), confidentiality, and query counts at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import Etape, FicheStatut
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory
from pvd.dossiers.models import Role
from pvd.gouvernance.models import Decision, Instance, PointOrdreDuJour, Resultat
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from pvd.participation.tests.factories import ContributionFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.models import Frequence
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory
from tests.utils import CANNOT_SEE, assert_queries_do_not_grow, assert_refused, main

pytestmark = pytest.mark.django_db

TEAM = {Role.CHEF_DE_PROJET, Role.EQUIPE}


def url(dossier):
    return reverse("pilotage:tableau_de_bord", kwargs={"dossier_pk": dossier.pk})


def table(page, table_id):
    """The rows of a table as lists of cell texts (header cell first)."""
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in main(page).select(f"#{table_id} tbody tr")
    ]


def seance(dossier, days, **kwargs):
    instance = Instance.objects.filter(dossier=dossier).first() or InstanceFactory(dossier=dossier, nom="Comité")
    return SeanceFactory(instance=instance, date=timezone.now() + datetime.timedelta(days=days), **kwargs)


def decide(seance_obj, titre, resultat):
    point = PointOrdreDuJour.objects.create(dossier=seance_obj.instance.dossier, seance=seance_obj, titre=titre)
    return Decision.objects.create(point=point, resultat=resultat)


@pytest.fixture
def plan(dossier):
    """Two axes; fiches: axe 1 — 2 en cours (one confidential), 1 réalisée; axe 2 — 1 à venir;
    none — 1 en pause. Lines: Région 50 000 accordé + 20 000 sollicité, État 30 000 refusé,
    plus 1 000 sollicité on the confidential fiche."""
    axe1 = AxeFactory(dossier=dossier, numero=1, titre="Habiter", ordre=1)
    axe2 = AxeFactory(dossier=dossier, numero=2, titre="Commercer", ordre=2)
    a = FicheFactory(dossier=dossier, statut=FicheStatut.EN_COURS, date_fin=datetime.date(2099, 1, 1))
    a.axes.set([axe1, axe2])  # main axe: the first, axe 1
    secret = FicheFactory(dossier=dossier, statut=FicheStatut.EN_COURS, confidential=True)
    secret.axes.set([axe1])
    done = FicheFactory(dossier=dossier, statut=FicheStatut.REALISE)
    done.axes.set([axe2, axe1])
    done.axe_principal = axe1
    done.save()
    b = FicheFactory(dossier=dossier, statut=FicheStatut.A_VENIR, date_fin=datetime.date(2099, 1, 1))
    b.axes.set([axe2])
    FicheFactory(dossier=dossier, statut=FicheStatut.EN_PAUSE, date_fin=datetime.date(2099, 1, 1))
    region = OrganisationFactory(nom="Région Grand Est")
    etat = OrganisationFactory(nom="État")
    LigneFactory(fiche=a, financeur=region, montant=Decimal("50000"), statut="accorde")
    LigneFactory(fiche=b, financeur=region, montant=Decimal("20000"), statut="sollicite", dispositif="region")
    LigneFactory(fiche=b, financeur=etat, montant=Decimal("30000"), statut="refuse", dispositif="dsil")
    LigneFactory(fiche=secret, financeur=etat, montant=Decimal("1000"), statut="sollicite")
    return {"axes": (axe1, axe2), "a": a, "secret": secret}


def test_fiches_by_axe_and_status_hand_checked(client_for, dossier, plan):
    page = client_for(dossier, Role.CHEF_DE_PROJET).get(url(dossier))
    # Columns: À venir, En cours, Réalisé, En pause, Abandonné, Bloqué, Total.
    assert table(page, "table-fiches") == [
        ["Axe 1 — Habiter", "0", "2", "1", "0", "0", "0", "3"],
        ["Axe 2 — Commercer", "1", "0", "0", "0", "0", "0", "1"],
        ["Sans axe", "0", "0", "0", "1", "0", "0", "1"],
        ["Total", "1", "2", "1", "1", "0", "0", "5"],
    ]


def test_the_confidential_fiche_and_its_money_are_left_out_for_other_roles(client_for, dossier, plan):
    page = client_for(dossier, Role.ELU).get(url(dossier))
    assert table(page, "table-fiches")[0] == ["Axe 1 — Habiter", "0", "1", "1", "0", "0", "0", "2"]
    assert table(page, "table-financements") == [
        ["État", "0\xa0€", "0\xa0€", "30\xa0000\xa0€", "0\xa0€"],
        ["Région Grand Est", "20\xa0000\xa0€", "50\xa0000\xa0€", "0\xa0€", "0\xa0€"],
        ["Total", "20\xa0000\xa0€", "50\xa0000\xa0€", "30\xa0000\xa0€", "0\xa0€"],
    ]
    assert "Les fiches confidentielles n'y figurent pas." in main(page).text


def test_money_by_funder_and_status_hand_checked(client_for, dossier, plan):
    from pvd.actions.models import LigneFinancement

    # The région paid 12 000 € of what it granted: the « Versé » column.
    LigneFinancement.objects.filter(financeur__nom="Région Grand Est", statut="accorde").update(
        montant_verse=Decimal("12000")
    )
    page = client_for(dossier, Role.EQUIPE).get(url(dossier))
    assert table(page, "table-financements") == [
        ["État", "1\xa0000\xa0€", "0\xa0€", "30\xa0000\xa0€", "0\xa0€"],
        ["Région Grand Est", "20\xa0000\xa0€", "50\xa0000\xa0€", "0\xa0€", "12\xa0000\xa0€"],
        ["Total", "21\xa0000\xa0€", "50\xa0000\xa0€", "30\xa0000\xa0€", "12\xa0000\xa0€"],
    ]


def test_indicators_states_hand_checked(client_for, dossier, plan):
    today = timezone.localdate()
    axe1 = plan["axes"][0]
    recent = IndicateurFactory(dossier=dossier, axe=axe1, frequence=Frequence.ANNUELLE)
    MesureFactory(indicateur=recent, date=today - datetime.timedelta(days=10))
    stale = IndicateurFactory(dossier=dossier, fiche=plan["a"], frequence=Frequence.MENSUELLE)
    MesureFactory(indicateur=stale, date=today - datetime.timedelta(days=100))
    IndicateurFactory(dossier=dossier, fiche=plan["a"], frequence=Frequence.ANNUELLE)  # new, none due yet
    below = IndicateurFactory(
        dossier=dossier,
        axe=axe1,
        frequence=Frequence.PONCTUELLE,
        valeur_initiale=Decimal("0"),
        date_initiale=today - datetime.timedelta(days=100),
        cible=Decimal("100"),
        echeance=today + datetime.timedelta(days=100),
    )
    MesureFactory(indicateur=below, date=today - datetime.timedelta(days=1), valeur=Decimal("10"))
    page = client_for(dossier, Role.LECTEUR).get(url(dossier))
    assert table(page, "table-indicateurs") == [
        ["Valeur récente", "2", "0", "2"],
        ["Sans valeur récente (délai de la fréquence dépassé)", "0", "1", "1"],
        ["Pas encore de valeur (pas encore attendue)", "0", "1", "1"],
        ["Total", "2", "2", "4"],
        ["Dont en dessous de leur trajectoire", "1", "0", "1"],
    ]


def test_contributions_seances_and_decisions_hand_checked(client_for, dossier):
    ContributionFactory(dossier=dossier)
    ContributionFactory(dossier=dossier, publiee=True, reponse="Merci, c'est prévu.")
    ContributionFactory(dossier=dossier, publiee=True)
    ContributionFactory(dossier=dossier, refusee=True)
    past = seance(dossier, -40, compte_rendu_approuve_le=timezone.now())
    decide(past, "Validation de la fiche Halle", Resultat.VALIDE)
    decide(past, "Validation de la fiche Gare", Resultat.AJOURNE)
    old = seance(dossier, -400, compte_rendu_approuve_le=timezone.now())
    decide(old, "Décision trop ancienne", Resultat.VALIDE)
    upcoming = seance(dossier, 5, lieu="Salle des fêtes")
    seance(dossier, 30)
    page = client_for(dossier, Role.PARTENAIRE).get(url(dossier))
    assert table(page, "table-contributions") == [
        ["En attente", "1", "0"],
        ["Publiée", "2", "1"],
        ["Refusée", "1", "0"],
        ["Total", "4", "1"],
    ]
    content = main(page)
    items = content.select("#seances li")
    assert len(items) == 2 and "Salle des fêtes" in items[0].text
    assert items[0].a["href"] == f"/dossiers/{dossier.pk}/gouvernance/seances/{upcoming.pk}/"
    assert content.select_one("#decisions-comptes").text == "Validé : 1 — Ajourné : 1 — Rejeté : 0"
    rows = table(page, "table-decisions")
    assert [row[1:] for row in rows] == [
        ["Validation de la fiche Halle", "Validé"],
        ["Validation de la fiche Gare", "Ajourné"],
    ]


def test_the_dashboard_lists_every_alert_with_links(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1), titre="Halle")
    for n in range(7):
        Etape.objects.create(fiche=fiche, nom=f"Étape {n}", date=datetime.date(2020, 1, 1))
    page = client_for(dossier, Role.CHEF_DE_PROJET).get(url(dossier))
    content = main(page)
    assert content.select_one("#alertes-titre").text == "Alertes (8)"
    assert len(content.select('#alertes ul[data-kind="etape_en_retard"] li')) == 7
    link = content.select_one('#alertes ul[data-kind="fiche_en_retard"] a')
    assert link["href"] == f"/dossiers/{dossier.pk}/plan-action/fiches/{fiche.pk}/"


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_every_viewer_of_the_dossier_reads_the_dashboard(client_for, dossier, kind):
    client = client_for(dossier, kind)
    response = client.get(url(dossier))
    if kind == "anonymous" or kind in CANNOT_SEE:
        assert_refused(response, kind)
    else:
        assert response.status_code == 200
        assert main(response).h1.text == "Tableau de bord de suivi"


def test_the_side_menu_leads_to_the_dashboard(client_for, dossier):
    page = client_for(dossier, Role.LECTEUR).get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk}))
    assert f'href="{url(dossier)}"' in page.content.decode()


def test_the_dashboard_queries_do_not_grow(client_for, dossier, plan):
    client = client_for(dossier, Role.CHEF_DE_PROJET)

    def grow():
        axe = AxeFactory(dossier=dossier)
        for n in range(4):
            fiche = FicheFactory(
                dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1), statut=FicheStatut.BLOQUE
            )
            fiche.axes.set([axe])
            Etape.objects.create(fiche=fiche, nom="Étude", date=datetime.date(2020, 1, 1))
            LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom=f"Financeur {n}"), statut="sollicite")
            indicateur = IndicateurFactory(dossier=dossier, fiche=fiche, frequence=Frequence.MENSUELLE)
            MesureFactory(indicateur=indicateur, date=datetime.date(2020, 1, 1))
            ContributionFactory(dossier=dossier)
            past = seance(dossier, -60 - n)
            decide(past, f"Point {n}", Resultat.VALIDE)
            seance(dossier, 10 + n)

    small, large = assert_queries_do_not_grow(lambda: client.get(url(dossier)), grow=grow)
    assert len(main(large).select("#table-decisions tbody tr")) == 4


# The Alertes block of the dossier home page -------------------------------------------------


def home(client, dossier):
    return main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))


@pytest.mark.parametrize("kind", [Role.CHEF_DE_PROJET, Role.EQUIPE, Role.ELU, Role.LECTEUR, "prefecture", "anct"])
def test_the_home_page_shows_the_alerts_to_every_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1), titre="Halle")
    FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1), confidential=True)
    content = home(client_for(dossier, kind), dossier)
    block = content.select_one("#alertes")
    links = [a["href"] for a in block.select("ul a")]
    assert f"/dossiers/{dossier.pk}/plan-action/fiches/{fiche.pk}/" in links
    assert ("Acquisition foncière secrète" in block.text) == (kind in TEAM)
    assert block.select_one("a.fr-link")["href"] == url(dossier)


def test_the_home_page_says_when_there_is_no_alert(client_for, dossier):
    block = home(client_for(dossier, Role.CHEF_DE_PROJET), dossier).select_one("#alertes")
    assert "Aucune alerte" in block.text


def test_the_home_page_shows_three_alerts_per_kind_and_counts_the_others(client_for, dossier):
    for _ in range(7):
        FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1))
    block = home(client_for(dossier, Role.CHEF_DE_PROJET), dossier).select_one("#alertes")
    items = block.select('ul[data-kind="fiche_en_retard"] li')
    assert len(items) == 4
    assert items[-1].text.strip() == "… et 4 autres sur le tableau de bord de suivi"
    assert block.select_one("h3").text == "Fiches action en retard (7)"


def test_the_deadline_is_not_repeated_in_the_home_alerts(client_for, dossier):
    from pvd.conventions.models import ConventionType
    from pvd.conventions.tests.factories import ConventionFactory

    ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION, signee=True)  # long overdue
    content = home(client_for(dossier, Role.CHEF_DE_PROJET), dossier)
    assert content.select_one("#echeance-cadre")
    assert "Aucune alerte" in content.select_one("#alertes").text


def test_the_home_page_queries_do_not_grow_with_the_alerts(client_for, dossier):
    client = client_for(dossier, Role.CHEF_DE_PROJET)
    FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1))
    seance(dossier, -60)  # the steps of the home page read the comité: it exists at both sizes

    def grow():
        for _ in range(8):
            fiche = FicheFactory(dossier=dossier, date_debut=None, date_fin=datetime.date(2020, 1, 1))
            Etape.objects.create(fiche=fiche, nom="Étude", date=datetime.date(2020, 1, 1))
            seance(dossier, -60)

    assert_queries_do_not_grow(
        lambda: client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})), grow=grow
    )
