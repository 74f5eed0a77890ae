"""Issue 13, money over time and fiche progress: late fiches, completeness, actual spending,
paid lines, the State's decision on the lines it instructs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions import services
from pvd.actions.forms import LigneFinancementForm
from pvd.actions.models import FicheHistory
from pvd.actions.progress import completeness, fiche_progress, is_late
from pvd.actions.selectors import clean_filters, maquette, plan_page
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory
from pvd.dossiers.perms import Access
from pvd.suivi.models import Indicateur
from tests.utils import assert_queries_do_not_grow, assert_refused, main

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TEAM = {"chef_de_projet", "equipe"}
STATE = {"prefecture", "anct"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


# --- En retard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_fin", "statut", "late"),
    [
        (TODAY, "en_cours", False),  # due today: not late yet
        (YESTERDAY, "en_cours", True),
        (YESTERDAY, "a_venir", True),
        (YESTERDAY, "realise", False),  # done: never late
        (YESTERDAY, "abandonne", False),
        (None, "en_cours", False),
    ],
)
def test_late_by_end_date_at_the_boundaries(dossier, date_fin, statut, late):
    fiche = FicheFactory(dossier=dossier, date_debut=None, date_fin=date_fin, statut=statut)
    assert is_late(fiche, TODAY) is late
    # The plan's SQL filter says the same.
    page = plan_page(dossier, None, clean_filters({"retard": "oui"}), today=TODAY)
    assert [row.fiche.pk for row in page.rows] == ([fiche.pk] if late else [])
    other = plan_page(dossier, None, clean_filters({"retard": "non"}), today=TODAY)
    assert [row.fiche.pk for row in other.rows] == ([] if late else [fiche.pk])


@pytest.mark.parametrize(
    ("etape_date", "faite", "late"),
    [(TODAY, False, False), (YESTERDAY, False, True), (YESTERDAY, True, False)],
)
def test_late_by_etape_at_the_boundaries(dossier, etape_date, faite, late):
    fiche = FicheFactory(dossier=dossier, date_fin=TODAY + datetime.timedelta(days=300), statut="en_cours")
    services.etape_create(fiche=fiche, by=None, nom="Permis", date=etape_date, faite=faite)
    assert is_late(fiche, TODAY) is late
    page = plan_page(dossier, None, clean_filters({"retard": "oui"}), today=TODAY)
    assert len(page.rows) == (1 if late else 0)


def test_fiche_page_says_late_and_the_rule(client_for, dossier):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    fiche = FicheFactory(dossier=dossier, date_debut=None, date_fin=yesterday, statut="en_cours")
    services.etape_create(fiche=fiche, by=None, nom="Permis", date=yesterday)
    services.etape_create(fiche=fiche, by=None, nom="Études", date=yesterday, faite=True)
    page = main(client_for(dossier, "lecteur").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert page.select_one("#badge-retard").get_text(strip=True) == "En retard"
    avancement = " ".join(page.select_one("#avancement").get_text(" ", strip=True).split())
    assert "en retard (fin prévue le" in avancement
    assert "1 étape non réalisée dont la date est passée" in avancement
    assert "Étapes : 1 réalisée sur 2 prévues" in avancement
    assert "la veille ou avant" in page.select_one("#regle-retard").get_text()
    plan = main(client_for(dossier, "lecteur").get(url("plan", dossier)))
    assert "En retard" in plan.select_one(f"tr[data-fiche='{fiche.pk}'] .pvd-avancement").get_text()
    assert plan.select_one("#compteur-retard").get_text(strip=True) == "1 fiche en retard"


# --- Complétude ----------------------------------------------------------------------------


def test_completeness_lists_what_is_missing(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, titre="Halle", description="", pilote="", cout_ht=None)
    result = completeness(fiche)
    # Present: titre, maître d'ouvrage? (the factory sets none), dates.
    keys = [key for key, _, _ in result.missing]
    assert keys == ["description", "pilote", "maitre_ouvrage", "cout", "financement", "indicateur"]
    assert (result.done, result.total, result.percent) == (2, 8, 25)
    page = main(client_for(dossier, "chef_de_projet").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    text = " ".join(page.select_one("#completude").get_text(" ", strip=True).split())
    assert text.startswith("Fiche complète à 25 % — manquent : la description , le pilote")
    links = {a.get_text(): a["href"] for a in page.select("#completude a")}
    assert links["un indicateur"] == "#indicateurs"
    assert links["la description"] == url("fiche_update", dossier, fiche_pk=fiche.pk) + "#id_description"
    # A reader sees what is missing, without the links to edit.
    page = main(client_for(dossier, "lecteur").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert not page.select("#completude a")


def test_complete_fiche_and_plan_filter(dossier):
    org = OrganisationFactory()
    full = FicheFactory(dossier=dossier, numero=1, description="d", pilote="p", maitre_ouvrage=org, cout_ht=10)
    LigneFactory(fiche=full)
    Indicateur.objects.create(dossier=dossier, fiche=full, nom="Logements", kind="quantitatif", unite="logements")
    partial = FicheFactory(dossier=dossier, numero=2)
    assert completeness(full).complete and completeness(full).percent == 100
    done = plan_page(dossier, None, clean_filters({"completude": "complete"}))
    assert [row.fiche for row in done.rows] == [full]
    todo = plan_page(dossier, None, clean_filters({"completude": "incomplete"}))
    assert [row.fiche for row in todo.rows] == [partial] and todo.incompletes == 1


# --- Réalisé, versé ------------------------------------------------------------------------


def test_budget_actual_spending_not_entered_is_not_zero(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    data = {"annee": 2025, "investissement": "1000", "fonctionnement": "200", "realise_investissement": "0"}
    response = client.post(url("budget_add", dossier, fiche_pk=fiche.pk), data)
    assert response.status_code == 302
    budget = fiche.budgets.get()
    assert budget.realise_investissement == 0 and budget.realise_fonctionnement is None
    assert budget.realise_total == 0 and budget.realise_renseigne
    services.budget_set(fiche=fiche, by=None, annee=2024, investissement=Decimal(5), fonctionnement=Decimal(0))
    progress = fiche_progress(fiche, TODAY)
    assert progress.annees_sans_realise == [2024] and progress.prevu == Decimal(1205)
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    rows = [[td.get_text(strip=True) for td in tr.select("td")][:5] for tr in page.select("#budget + div tbody tr")]
    assert rows[0][3:] == ["non renseigné", "non renseigné"]  # 2024
    assert rows[1][3:] == ["0,00", "non renseigné"]  # 2025: 0 € spent is said as such
    refused = client.post(url("budget_add", dossier, fiche_pk=fiche.pk), {**data, "realise_investissement": "-1"})
    assert refused.status_code == 400 and fiche.budgets.get(annee=2025).realise_investissement == 0


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_mark_paid_per_viewer(client_for, dossier, kind):
    ligne = LigneFactory(fiche=FicheFactory(dossier=dossier), montant=Decimal("10000"), statut="accorde")
    client = client_for(dossier, kind)
    response = client.post(
        url("ligne_verser", dossier, fiche_pk=ligne.fiche_id, ligne_pk=ligne.pk),
        {"montant_verse": "4000", "date_versement": "2026-03-01"},
    )
    ligne.refresh_from_db()
    if kind not in TEAM:
        assert_refused(response, kind)
        assert ligne.montant_verse is None
        return
    assert response.status_code == 302
    assert ligne.montant_verse == Decimal("4000") and ligne.date_versement == datetime.date(2026, 3, 1)
    assert FicheHistory.objects.filter(fiche=ligne.fiche, champ__startswith="versement").exists()


def test_mark_paid_refusals(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    sollicite = LigneFactory(fiche=fiche, statut="sollicite", dispositif="region")
    accorde = LigneFactory(fiche=fiche, statut="accorde", montant=Decimal("100"))
    with pytest.raises(ValidationError, match="Seule une ligne accordée"):
        services.ligne_financement_verser(ligne=sollicite, by=None, montant_verse=1, date_versement=TODAY)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(
        url("ligne_verser", dossier, fiche_pk=fiche.pk, ligne_pk=accorde.pk),
        {"montant_verse": "100.01", "date_versement": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "ne peut pas dépasser le montant accordé (100,00 €)" in response.content.decode().replace("\xa0", " ")
    accorde.refresh_from_db()
    assert accorde.montant_verse is None


# --- Décision de l'État --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_state_decision_per_viewer(client_for, dossier, kind):
    ligne = LigneFactory(fiche=FicheFactory(dossier=dossier), dispositif="detr", statut="sollicite")
    client = client_for(dossier, kind)
    response = client.post(
        url("ligne_decision", dossier, fiche_pk=ligne.fiche_id, ligne_pk=ligne.pk),
        {"statut": "accorde", "montant": "8000", "date_decision": "2026-05-02"},
    )
    ligne.refresh_from_db()
    if kind not in STATE:  # prefecture_autre does not see the dossier: 404
        assert_refused(response, kind)
        assert ligne.statut == "sollicite" and ligne.decision_etat_le is None
        return
    assert response.status_code == 302
    assert (ligne.statut, ligne.montant, ligne.date_decision) == ("accorde", Decimal(8000), datetime.date(2026, 5, 2))
    assert ligne.decision_etat_par == client.user
    assert ligne.decision_etat_role == {"prefecture": "Préfecture", "anct": "ANCT"}[kind]
    history = FicheHistory.objects.get(fiche=ligne.fiche, champ__startswith="décision de l'État")
    assert history.by == client.user and "décidée le 02/05/2026" in history.nouveau


def test_state_decision_locks_the_team_out(client_for, dossier, make_viewer):
    prefecture = make_viewer(dossier, "prefecture")
    ligne = LigneFactory(fiche=FicheFactory(dossier=dossier), dispositif="dsil", statut="sollicite")
    services.ligne_financement_decider(
        ligne=ligne,
        by=prefecture,
        access=Access("prefecture"),
        statut="refuse",
        montant=None,
        date_decision=TODAY,
    )
    # The service refuses statut and amount, and the deletion; other fields stay editable.
    with pytest.raises(ValidationError, match="décision de l'État"):
        services.ligne_financement_update(ligne=ligne, by=None, statut="accorde")
    with pytest.raises(ValidationError, match="décision de l'État"):
        services.ligne_financement_update(ligne=ligne, by=None, montant=Decimal(1))
    with pytest.raises(ValidationError, match="ne peut pas la supprimer"):
        services.ligne_financement_delete(ligne=ligne, by=None)
    services.ligne_financement_update(ligne=ligne, by=None, date_demande=datetime.date(2026, 1, 5))
    # The team's form disables both fields; a forged POST changes nothing.
    form = LigneFinancementForm(instance=ligne, dossier=dossier)
    assert form.fields["statut"].disabled and form.fields["montant"].disabled
    client = client_for(dossier, "chef_de_projet")
    client.post(url("ligne_statut", dossier, fiche_pk=ligne.fiche_id, ligne_pk=ligne.pk), {"statut": "accorde"})
    ligne.refresh_from_db()
    assert ligne.statut == "refuse"
    # The chef sees who decided and when; no status select nor delete button on that line.
    page = main(client.get(url("fiche", dossier, fiche_pk=ligne.fiche_id)))
    row = page.select_one(f"#ligne-{ligne.pk}")
    decision = " ".join(row.select_one(".pvd-decision-etat").get_text(" ", strip=True).split())
    assert decision.startswith(
        f"Refusé par Préfecture le {TODAY:%d/%m/%Y} (enregistré par {prefecture.get_full_name()}"
    )
    assert not row.select("select") and "Supprimer" not in row.get_text()


def test_state_decision_refusals(dossier, make_viewer):
    fiche = FicheFactory(dossier=dossier)
    region = LigneFactory(fiche=fiche, dispositif="region", statut="sollicite")
    detr = LigneFactory(fiche=fiche, dispositif="detr", statut="sollicite")
    user = make_viewer(dossier, "prefecture")
    with pytest.raises(ValidationError, match="n'est pas instruit par l'État"):
        services.ligne_financement_decider(
            ligne=region, by=user, access=Access("prefecture"), statut="accorde", montant=1, date_decision=TODAY
        )
    with pytest.raises(ValidationError, match="Indiquez le montant accordé"):
        services.ligne_financement_decider(
            ligne=detr, by=user, access=Access("prefecture"), statut="accorde", montant=None, date_decision=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.ligne_financement_decider(
            ligne=detr, by=user, access=Access("chef_de_projet"), statut="accorde", montant=1, date_decision=TODAY
        )
    detr.refresh_from_db()
    assert detr.statut == "sollicite" and detr.decision_etat_le is None


def test_single_date_follows_the_status():
    """The rule of migration 0009 and of the import's « Date » column."""
    from pvd.actions.models import LigneFinancement

    asked = LigneFinancement(statut="sollicite", date=TODAY)
    granted = LigneFinancement(statut="accorde", date=TODAY)
    assert (asked.date_demande, asked.date_decision) == (TODAY, None)
    assert (granted.date_demande, granted.date_decision) == (None, TODAY)


# --- Maquette: planned against actual, hand-checked ----------------------------------------


def test_maquette_planned_against_actual_hand_checked(client_for, dossier):
    a = FicheFactory(dossier=dossier, numero=1, titre="Halle", statut="en_cours")
    b = FicheFactory(dossier=dossier, numero=2, titre="Place", statut="en_cours")
    FicheFactory(dossier=dossier, numero=3, titre="Gare", statut="en_cours")  # no yearly budget
    D = Decimal
    services.budget_set(
        fiche=a,
        by=None,
        annee=2024,
        investissement=D(100),
        fonctionnement=D(20),
        realise_investissement=D(90),
        realise_fonctionnement=D(20),
    )
    services.budget_set(fiche=a, by=None, annee=2025, investissement=D(200), fonctionnement=D(0))
    services.budget_set(
        fiche=b, by=None, annee=2024, investissement=D(50), fonctionnement=D(0), realise_investissement=D(0)
    )
    LigneFactory(fiche=a, montant=D(300), statut="accorde", montant_verse=D(120))
    LigneFactory(fiche=b, montant=D(80), statut="accorde", dispositif="dsil")
    tables = maquette(dossier, None).by_key
    # 2024: planned 120 + 50, spent 110 + 0 (0 is entered); 2025: planned 200, not entered.
    assert tables["prevu-realise-annees"].rows == [("2024", [D(170), D(110), D(0)]), ("2025", [D(200), D(0), D(1)])]
    assert tables["prevu-realise-annees"].totals == [D(370), D(110), D(1)]
    assert tables["prevu-realise-fiches"].rows == [
        ("n° 1 — Halle", [D(320), D(110), D(1)]),
        ("n° 2 — Place", [D(50), D(0), D(0)]),
    ]
    assert "1 fiche sans budget annuel, absente de ce tableau : n° 3 — Gare." in tables["prevu-realise-fiches"].notes
    assert tables["versements"].totals == [D(380), D(120), D(260)]
    page = main(client_for(dossier, "lecteur").get(url("maquette", dossier)))
    foot = [
        td.get_text(strip=True).replace("\xa0", " ") for td in page.select("#maquette-prevu-realise-annees tfoot td")
    ]
    assert foot == ["370", "110", "1"]
    assert "n° 3 — Gare" in page.select_one("#maquette-prevu-realise-fiches-note-2").get_text()


# --- Query counts at two sizes ----------------------------------------------------------------


def _grow(dossier, start):
    def grow():
        for numero in range(start, start + 4):
            fiche = FicheFactory(dossier=dossier, numero=numero, statut="en_cours")
            LigneFactory(fiche=fiche, montant_verse=Decimal(1))
            services.budget_set(fiche=fiche, by=None, annee=2025, investissement=Decimal(1), fonctionnement=Decimal(0))
            services.etape_create(fiche=fiche, by=None, nom="É", date=TODAY)

    return grow


@pytest.mark.parametrize("page", ["plan", "maquette"])
def test_plan_and_maquette_queries_do_not_grow(client_for, dossier, page):
    _grow(dossier, 1)()
    client = client_for(dossier, "chef_de_projet")
    assert_queries_do_not_grow(lambda: client.get(url(page, dossier)), grow=_grow(dossier, 10))


def test_fiche_page_queries_do_not_grow(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, numero=1)
    client = client_for(dossier, "prefecture")

    def grow():
        for i in range(4):
            LigneFactory(fiche=fiche, dispositif="autre", financeur=OrganisationFactory(), montant_verse=Decimal(1))
            services.budget_set(
                fiche=fiche, by=None, annee=2020 + i, investissement=Decimal(1), fonctionnement=Decimal(0)
            )
            services.etape_create(fiche=fiche, by=None, nom="É", date=TODAY)

    assert_queries_do_not_grow(lambda: client.get(url("fiche", dossier, fiche_pk=fiche.pk)), grow=grow)
