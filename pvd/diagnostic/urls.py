from django.urls import path

from . import views

app_name = "diagnostic"
base = "dossiers/<int:dossier_pk>/diagnostic/"

urlpatterns = [
    path(base, views.index, name="index"),
    path(f"{base}texte/", views.diagnostic_edit, name="edit"),
    path(f"{base}soumettre/", views.diagnostic_submit, name="submit"),
]

# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- Imports ---------------------------------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------


# --- Exports ---------------------------------------------------------------------------------
