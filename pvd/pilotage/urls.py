"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from django.urls import path

from . import views_bilan

app_name = "pilotage"

urlpatterns = []

# Évaluation: bilans annuels and quarterly progress.
urlpatterns += [
    path("dossiers/<int:dossier_pk>/evaluation/", views_bilan.bilan_list, name="bilans"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/", views_bilan.bilan_detail, name="bilan"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/appreciation/", views_bilan.bilan_edit, name="bilan_edit"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/soumettre/", views_bilan.bilan_submit, name="bilan_submit"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/bilan.pdf", views_bilan.bilan_pdf, name="bilan_pdf"),
    path("dossiers/<int:dossier_pk>/evaluation/<int:annee>/bilan.docx", views_bilan.bilan_docx, name="bilan_docx"),
]
