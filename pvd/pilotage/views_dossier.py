"""The tableau de bord de suivi of a dossier: its figures and all its alerts, read with `dossier.view`."""

from django.shortcuts import render

from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import alerts, selectors_dossier


@dossier_view("dossier.view")
def tableau_de_bord(request, dossier):
    figures = selectors_dossier.tableau_de_bord(dossier, request.access)
    dossier_alerts = alerts.dossier_alerts(dossier, request.access, today=figures["today"])
    return render(
        request,
        "pilotage/tableau_de_bord.html",
        dossier_context(
            request,
            dossier,
            page_title="Tableau de bord de suivi",
            crumbs=[],
            alert_groups=alerts.grouped(dossier_alerts),
            nb_alertes=len(dossier_alerts),
            **figures,
        ),
    )
