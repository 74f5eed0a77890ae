"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from django.urls import path

from . import views_avis, views_bilan, views_dossier, views_national, views_opendata

app_name = "pilotage"

urlpatterns = [
    path("pilotage/territoires/", views_national.tableau, name="national"),
    path("pilotage/territoires/dossiers.xlsx", views_national.tableau_xlsx, name="national_xlsx"),
    path("dossiers/<int:dossier_pk>/suivi/tableau-de-bord/", views_dossier.tableau_de_bord, name="tableau_de_bord"),
    # The State's opinions (avis) on a fiche action or a convention.
    path(
        "dossiers/<int:dossier_pk>/avis/<str:kind>/<int:pk>/nouveau/",
        views_avis.avis_create,
        name="avis_create",
    ),
    # Open data of the published fiches action (public, no login).
    path("donnees-ouvertes/fiches-action/", views_opendata.opendata_page, name="opendata"),
    path("donnees-ouvertes/fiches-action.csv", views_opendata.opendata_csv, name="opendata_csv"),
    path("donnees-ouvertes/fiches-action.geojson", views_opendata.opendata_geojson, name="opendata_geojson"),
    # Évaluation: bilans annuels and quarterly progress.
    path("dossiers/<int:dossier_pk>/evaluation/", views_bilan.bilan_list, name="bilans"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/", views_bilan.bilan_detail, name="bilan"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/appreciation/", views_bilan.bilan_edit, name="bilan_edit"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/soumettre/", views_bilan.bilan_submit, name="bilan_submit"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/bilan.pdf", views_bilan.bilan_pdf, name="bilan_pdf"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/bilan.docx", views_bilan.bilan_docx, name="bilan_docx"),
]
