from django.urls import path

from . import urls_indicateurs, views_saisie

app_name = "suivi"

base = "dossiers/<int:dossier_pk>/suivi/"

urlpatterns = [
    # Entering values (views_saisie).
    path(base + "saisie/", views_saisie.grille, name="grille"),
    path(base + "saisie/import/", views_saisie.valeurs_import, name="valeurs_import"),
    path(base + "saisie/import/modele.csv", views_saisie.import_modele, name="valeurs_import_modele"),
    path(base + "indicateurs/<int:pk>/valeurs/", views_saisie.valeurs, name="valeurs"),
    path(
        base + "indicateurs/<int:pk>/valeurs/<int:mesure_pk>/corriger/",
        views_saisie.valeur_update,
        name="valeur_update",
    ),
    path(
        base + "indicateurs/<int:pk>/valeurs/<int:mesure_pk>/supprimer/",
        views_saisie.valeur_delete,
        name="valeur_delete",
    ),
    # The indicators and their state (views_indicateurs).
    *urls_indicateurs.urlpatterns,
]
