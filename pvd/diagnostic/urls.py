from django.urls import path

from . import views, views_export

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

urlpatterns += [
    path(f"{base}diagnostic.pdf", views_export.diagnostic_pdf, name="export_pdf"),
    path(f"{base}donnees.xlsx", views_export.diagnostic_xlsx, name="export_xlsx"),
]
