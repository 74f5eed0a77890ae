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
from . import views_import  # noqa: E402  (this section's views)

urlpatterns += [
    path(f"{base}imports/", views_import.donnees_import, name="imports"),
    path(f"{base}imports/<int:import_pk>/supprimer/", views_import.donnees_import_delete, name="import_delete"),
    path(f"{base}imports/exemples/<str:nom>", views_import.donnees_import_exemple, name="import_exemple"),
]


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------


# --- Exports ---------------------------------------------------------------------------------
