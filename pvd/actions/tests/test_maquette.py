"""The maquette financière says what its totals leave out: a fiche counts once, under its main
axe; the fiches without a yearly budget are listed beside the yearly view with their coût HT;
the abandoned fiches are counted nowhere and listed apart. Page and workbook alike."""

import importlib
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import ALL_VIEWERS
from pvd.actions import services
from pvd.actions.forms import FicheForm
from pvd.actions.models import AXE_PRINCIPAL_RULE, MAQUETTE_AXE_RULE, FicheAction
from pvd.actions.selectors import maquette
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory
from pvd.actions.tests.test_exports import evaluate

pytestmark = pytest.mark.django_db
CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def text(node) -> str:
    return " ".join(node.get_text().replace("\xa0", " ").replace("\u202f", " ").split())


def rows(table) -> dict[str, list[str]]:
    return {
        tr.th.get_text(strip=True): [td.get_text(strip=True).replace("\xa0", " ") for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }


def footer(table) -> list[str]:
    return [td.get_text(strip=True).replace("\xa0", " ") for td in table.select("tfoot td")]


def sheet_texts(sheet) -> list[str]:
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.fixture
def axes(dossier):
    habitat = AxeFactory(dossier=dossier, numero=1, titre="Habitat")
    return habitat, AxeFactory(dossier=dossier, numero=2, titre="Commerce")


@pytest.fixture
def plan(dossier, axes):
    """Four fiches, 1 750 000 € HT, of which 1 000 000 € have a yearly budget."""
    habitat, commerce = axes
    etat = OrganisationFactory(nom="État")
    halle = FicheFactory(dossier=dossier, numero=1, titre="Halle", cout_ht=Decimal("1000000"), statut="en_cours")
    halle.axes.set([habitat, commerce])
    halle.axe_principal = commerce
    halle.save()
    halle.budgets.create(annee=2025, investissement=Decimal("600000"), fonctionnement=Decimal("0"))
    halle.budgets.create(annee=2026, investissement=Decimal("400000"), fonctionnement=Decimal("0"))
    LigneFactory(fiche=halle, financeur=etat, montant=Decimal("300000"), statut="accorde")
    ecole = FicheFactory(dossier=dossier, numero=2, titre="École", cout_ht=Decimal("500000"))
    ecole.axes.set([habitat])
    LigneFactory(fiche=ecole, financeur=etat, dispositif="dsil", montant=Decimal("50000"), statut="sollicite")
    parc = FicheFactory(dossier=dossier, numero=3, titre="Parc", cout_ht=Decimal("250000"))
    abandon = FicheFactory(dossier=dossier, numero=4, titre="Piscine", cout_ht=Decimal("2000000"), statut="abandonne")
    abandon.axes.set([habitat])
    abandon.budgets.create(annee=2025, investissement=Decimal("2000000"), fonctionnement=Decimal("0"))
    LigneFactory(fiche=abandon, financeur=etat, dispositif="fonds_vert", montant=Decimal("700000"), statut="accorde")
    return halle, ecole, parc, abandon


def test_a_fiche_on_two_axes_counts_once_under_its_main_axe(client_for, dossier, plan, main):
    content = main(client_for(dossier, "elu").get(url("maquette", dossier)))
    table = content.select_one("#maquette-axes")
    # The halle (axes 1 and 2, main axe 2) counts under axe 2 only; the école under axe 1.
    assert rows(table) == {
        "Axe 1 — Habitat": ["500 000", "0", "50 000", "0"],
        "Axe 2 — Commerce": ["1 000 000", "300 000", "0", "0"],
        "Sans axe": ["250 000", "0", "0", "0"],
    }
    assert footer(table)[0] == "1 750 000"
    assert MAQUETTE_AXE_RULE in text(content.select_one("#maquette-axes-note-1"))
    assert MAQUETTE_AXE_RULE in text(content.select_one("#maquette-regles"))


def test_without_a_chosen_main_axe_the_first_axe_in_the_axes_order(dossier, axes):
    habitat, commerce = axes
    commerce.ordre, habitat.ordre = 0, 1  # the axes' order, not their numbers
    commerce.save()
    habitat.save()
    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("10"))
    fiche.axes.set([habitat, commerce])
    fiche = FicheAction.objects.prefetch_related("axes").get(pk=fiche.pk)
    assert fiche.axe_principal is None and fiche.axe_principal_effectif == commerce
    table = maquette(dossier, None).by_key["axes"]
    assert table.rows == [(str(commerce), [Decimal("10"), 0, 0, 0])]
    assert AXE_PRINCIPAL_RULE in table.notes[0]


def test_yearly_view_lists_the_fiches_without_yearly_budget_and_adds_up_to_the_plan(client_for, dossier, plan, main):
    content = main(client_for(dossier, "lecteur").get(url("maquette", dossier)))
    assert footer(content.select_one("#maquette-annees")) == ["1 000 000", "0", "1 000 000"]
    sans = content.select_one("#maquette-sans-ventilation")
    assert rows(sans) == {"n° 2 — École": ["500 000"], "n° 3 — Parc": ["250 000"]}
    assert footer(sans) == ["750 000"]
    reconciliation = text(content.select_one("#maquette-rapprochement"))
    assert "Coût HT des fiches sans ventilation annuelle (2) : 750 000 €" in reconciliation
    assert "Ensemble : 1 750 000 €, pour un coût HT des fiches comptées de 1 750 000 €" in reconciliation
    assert content.select_one("#maquette-ecarts") is None


def test_a_yearly_budget_that_differs_from_the_cost_is_said(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier, numero=7, titre="Gare", cout_ht=Decimal("100000"))
    fiche.budgets.create(annee=2025, investissement=Decimal("60000"), fonctionnement=Decimal("0"))
    content = main(client_for(dossier, "lecteur").get(url("maquette", dossier)))
    ecarts = text(content.select_one("#maquette-ecarts"))
    assert ecarts.startswith("Écart de 40 000 €") and "n° 7 — Gare (coût HT 100 000 €, budgets 60 000 €)" in ecarts


def test_abandoned_fiches_are_left_out_of_every_total_and_listed_apart(client_for, dossier, plan, main):
    content = main(client_for(dossier, "equipe").get(url("maquette", dossier)))
    assert footer(content.select_one("#maquette-financeurs")) == ["300 000", "50 000", "0"]
    assert "Fonds vert" not in rows(content.select_one("#maquette-dispositifs"))
    statuts = content.select_one("#maquette-statuts")
    assert "Abandonné" not in rows(statuts) and footer(statuts)[:2] == ["3", "1 750 000"]
    apart = content.select_one("#maquette-abandonnees")
    assert rows(apart) == {"n° 4 — Piscine": ["2 000 000", "700 000", "0", "0"]}
    rules = text(content.select_one("#maquette-regles"))
    assert "Les fiches abandonnées ne sont comptées dans aucun total de la maquette." in rules
    assert "La fiche abandonnée (coût HT 2 000 000 €) est listée à part" in rules


def test_workbook_says_the_same(client_for, dossier, plan):
    workbook = load_workbook(io.BytesIO(client_for(dossier, "equipe").get(url("maquette_xlsx", dossier)).content))
    years = workbook["Par année"]
    labels = {years.cell(row=r, column=1).value: r for r in range(1, years.max_row + 1)}
    assert years.cell(row=labels["Fiche"], column=2).value == "Coût HT (€)"
    assert years.cell(row=labels["n° 2 — École"], column=2).value == 500000
    assert evaluate(years, f"B{labels['Ensemble']}") == 1750000
    assert years.cell(row=labels["Coût HT des fiches comptées"], column=2).value == 1750000
    # Each figure of the reconciliation is a formula over the tables above, not a copied number.
    assert re.fullmatch(r"=SUM\(B\d+:B\d+\)", years.cell(row=labels["Ensemble"], column=2).value)
    par_axe = sheet_texts(workbook["Par axe"])
    assert any(MAQUETTE_AXE_RULE in t for t in par_axe) and "Axe 2 — Commerce" in par_axe
    statuts = workbook["Par statut des fiches"]
    labels = {statuts.cell(row=r, column=1).value: r for r in range(1, statuts.max_row + 1)}
    assert "Abandonné" not in labels
    assert statuts.cell(row=labels["n° 4 — Piscine"], column=3).value == 700000
    for sheet in workbook:
        assert any("fiches abandonnées ne sont comptées dans aucun total" in t for t in sheet_texts(sheet)), sheet


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_maquette_page_per_viewer(client_for, dossier, plan, kind, main):
    response = client_for(dossier, kind).get(url("maquette", dossier))
    if kind not in CAN_VIEW:
        assert response.status_code == (302 if kind == "anonymous" else 404)
        return
    assert rows(main(response).select_one("#maquette-abandonnees"))["n° 4 — Piscine"][0] == "2 000 000"


# --- The main axe on the fiche ------------------------------------------------------------


def test_service_refuses_a_main_axe_that_is_not_one_of_the_axes(dossier, axes):
    habitat, commerce = axes
    with pytest.raises(ValidationError) as error:
        services.fiche_create(dossier=dossier, by=None, titre="Halle", axes=[habitat], axe_principal=commerce)
    message = "L'axe principal doit être l'un des axes cochés de la fiche."
    assert error.value.message_dict == {"axe_principal": [message]}
    assert not FicheAction.objects.exists()
    fiche = services.fiche_create(dossier=dossier, by=None, titre="Halle", axes=[habitat, commerce])
    with pytest.raises(ValidationError):
        services.fiche_update(fiche=fiche, by=None, axes=[habitat], axe_principal=commerce)
    assert list(FicheAction.objects.get(pk=fiche.pk).axes.all()) == [habitat, commerce]


def test_service_sets_logs_and_drops_the_main_axe_with_its_axe(dossier, axes):
    habitat, commerce = axes
    fiche = services.fiche_create(dossier=dossier, by=None, titre="Halle", axes=[habitat, commerce])
    services.fiche_update(fiche=fiche, by=None, axe_principal=commerce)
    fiche.refresh_from_db()
    assert fiche.axe_principal == commerce
    assert fiche.historique.filter(champ="axe principal", nouveau=str(commerce)).exists()
    services.fiche_update(fiche=fiche, by=None, titre="Halle couverte")  # left out: kept
    fiche.refresh_from_db()
    assert fiche.axe_principal == commerce
    services.fiche_update(fiche=fiche, by=None, axes=[habitat])  # its axe removed: the default rule
    fiche.refresh_from_db()
    assert fiche.axe_principal is None and fiche.axe_principal_effectif == habitat


def test_fiche_form_offers_the_main_axe_and_refuses_one_not_ticked(dossier, axes):
    habitat, commerce = axes
    form = FicheForm({"titre": "Halle", "axes": [habitat.pk], "axe_principal": commerce.pk}, dossier=dossier)
    assert not form.is_valid()
    assert form.errors["axe_principal"] == ["L'axe principal doit être l'un des axes cochés de la fiche."]
    assert AXE_PRINCIPAL_RULE in form.fields["axe_principal"].help_text


def test_chef_chooses_the_main_axe_and_the_fiche_page_shows_it(client_for, dossier, axes, main):
    habitat, commerce = axes
    client = client_for(dossier, "chef_de_projet")
    data = {
        "titre": "Halle",
        "axes": [habitat.pk, commerce.pk],
        "axe_principal": commerce.pk,
        "statut": "a_venir",
        "maturite": "idee",
        "priorite": "moyenne",
    }
    response = client.post(url("fiche_create", dossier), data)
    fiche = FicheAction.objects.get(dossier=dossier)
    assert response.status_code == 302 and fiche.axe_principal == commerce
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert text(page.select_one("#fiche-axe-principal")) == "Axe 2 — Commerce"
    assert page.select_one("#fiche-axe-principal-regle") is None
    fiche.axe_principal = None
    fiche.save()
    page = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk)))
    assert text(page.select_one("#fiche-axe-principal")) == "Axe 1 — Habitat"
    assert text(page.select_one("#fiche-axe-principal-regle")) == f"Axe principal non choisi. {AXE_PRINCIPAL_RULE}"


def test_migration_sets_the_main_axe_from_the_first_axe(dossier, axes):
    habitat, commerce = axes
    habitat.ordre, commerce.ordre = 2, 1
    habitat.save()
    commerce.save()
    both, alone, none = (FicheFactory(dossier=dossier) for _ in range(3))
    both.axes.set([habitat, commerce])
    alone.axes.set([habitat])
    migration = importlib.import_module("pvd.actions.migrations.0006_fiche_axe_principal")
    migration.set_axe_principal(apps, None)
    assert [FicheAction.objects.get(pk=f.pk).axe_principal for f in (both, alone, none)] == [commerce, habitat, None]
