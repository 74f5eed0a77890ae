"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from django.urls import path

from . import views_dossier, views_national

app_name = "pilotage"

urlpatterns = [
    path("pilotage/territoires/", views_national.tableau, name="national"),
    path("pilotage/territoires/dossiers.xlsx", views_national.tableau_xlsx, name="national_xlsx"),
    path("dossiers/<int:dossier_pk>/suivi/tableau-de-bord/", views_dossier.tableau_de_bord, name="tableau_de_bord"),
]
