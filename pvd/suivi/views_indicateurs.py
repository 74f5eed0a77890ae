"""The indicators of a dossier with their status, and the page of one indicator (chart, table,
status with its rule, contributors of an axe's indicator)."""

from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from pvd.core.forms import EMPTY_CHOICE
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import charts, rollup, status
from .models import Indicateur, Mesure


def _crumbs(dossier):
    return [{"url": reverse("suivi:indicateurs", kwargs={"dossier_pk": dossier.pk}), "title": "Indicateurs"}]


def _ordered(queryset):
    return queryset.select_related("axe", "fiche").order_by(
        F("axe__ordre").asc(nulls_last=True),
        F("axe__numero").asc(nulls_last=True),
        F("fiche__numero").asc(nulls_last=True),
        "nom",
        "pk",
    )


@dossier_view("dossier.view")
def indicateurs(request, dossier):
    access = request.access
    queryset = Indicateur.objects.visible_to(access).filter(dossier=dossier)
    axes = list(dossier.axes.order_by("ordre", "numero"))
    axe = next((a for a in axes if str(a.pk) == request.GET.get("axe", "")), None)
    if axe is not None:
        # The axe's own indicators and those of its fiches.
        queryset = queryset.filter(Q(axe=axe) | Q(fiche__axes=axe)).distinct()
    rows = status.with_etats(_ordered(queryset), access=access)
    statut = request.GET.get("statut", "")
    if statut in status.STATUSES:
        rows = [row for row in rows if row.etat.code == statut]
    else:
        statut = ""
    return render(
        request,
        "suivi/indicateurs.html",
        dossier_context(
            request,
            dossier,
            page_title="Indicateurs",
            crumbs=[],
            axe_rows=[row for row in rows if row.axe_id is not None],
            fiche_rows=[row for row in rows if row.fiche_id is not None],
            axes=axes,
            axe_choisi=axe,
            statut=statut,
            statuts=status.STATUS_CHOICES,
            empty_choice=EMPTY_CHOICE,
            filtered=bool(axe or statut),
            rule=status.RULE,
            rollup_rule=rollup.RULE_TEXT,
        ),
    )


@dossier_view("dossier.view")
def indicateur(request, dossier, pk):
    access = request.access
    visible = Indicateur.objects.visible_to(access).filter(dossier=dossier, pk=pk)
    found = status.with_etats(visible.select_related("axe", "fiche", "contribue_a"), access=access)
    if not found:
        raise Http404("Indicateur introuvable.")
    indicateur = found[0]
    mesures = list(indicateur.mesures.select_related("entered_by").order_by("date"))
    calcul_points = None
    if indicateur.contributeurs_visibles:
        by_contributor: dict[int, list] = {c.pk: [] for c in indicateur.contributeurs_visibles}
        for mesure in Mesure.objects.filter(indicateur__in=list(by_contributor)).order_by("date", "created_at"):
            by_contributor[mesure.indicateur_id].append((mesure.date, mesure.valeur, mesure.created_at))
        calcul_points = rollup.computed_series(indicateur.agregation, list(by_contributor.values()))
    series = charts.indicator_series(indicateur, mesures, calcul_points, rollup.RULE_SHORT[indicateur.agregation])
    return render(
        request,
        "suivi/indicateur.html",
        dossier_context(
            request,
            dossier,
            page_title=indicateur.nom,
            crumbs=_crumbs(dossier),
            indicateur=indicateur,
            mesures=mesures,
            chart=charts.chart_data(series, indicateur.unite),
            chart_empty=charts.is_empty(series),
            rows=charts.table_rows(series, indicateur.unite),
            rule=status.RULE,
            staleness=status.staleness_text(indicateur.frequence),
            rollup_rule=rollup.RULE_TEXT,
            contribution_rule=rollup.RULE_TEXT[indicateur.contribue_a.agregation] if indicateur.contribue_a else "",
        ),
    )
