from django.urls import path

from . import views_dossier

app_name = "pilotage"

urlpatterns = [
    path("dossiers/<int:dossier_pk>/suivi/tableau-de-bord/", views_dossier.tableau_de_bord, name="tableau_de_bord"),
]
