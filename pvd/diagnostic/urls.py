from django.urls import path

from . import views, views_afom, views_carte, views_chiffres, views_export, views_import, views_references

app_name = "diagnostic"
base = "dossiers/<int:dossier_pk>/diagnostic/"

urlpatterns = [
    path(base, views.index, name="index"),
    path(f"{base}texte/", views.diagnostic_edit, name="edit"),
    path(f"{base}soumettre/", views.diagnostic_submit, name="submit"),
]

# --- Figures (chiffres du territoire) -------------------------------------------------------

urlpatterns += [
    path(f"{base}chiffres/", views_chiffres.chiffres, name="chiffres"),
    path(f"{base}chiffres/actualiser/", views_chiffres.chiffres_sync, name="chiffres_sync"),
    path(f"{base}chiffres/ajouter/", views_chiffres.donnee_create, name="donnee_create"),
    path(f"{base}chiffres/<int:donnee_pk>/modifier/", views_chiffres.donnee_edit, name="donnee_edit"),
    path(f"{base}chiffres/<int:donnee_pk>/supprimer/", views_chiffres.donnee_delete, name="donnee_delete"),
    path(f"{base}chiffres/graphiques/<slug:key>.csv", views_chiffres.chart_csv, name="chart_csv"),
]


# --- Imports ---------------------------------------------------------------------------------

urlpatterns += [
    path(f"{base}imports/", views_import.donnees_import, name="imports"),
    path(f"{base}imports/<int:import_pk>/supprimer/", views_import.donnees_import_delete, name="import_delete"),
    path(f"{base}imports/exemples/<str:nom>", views_import.donnees_import_exemple, name="import_exemple"),
]


# --- AFOM ------------------------------------------------------------------------------------

urlpatterns += [
    path(f"{base}afom/", views_afom.afom, name="afom"),
    path(f"{base}afom/ajouter/", views_afom.afom_create, name="afom_create"),
    path(f"{base}afom/<int:pk>/modifier/", views_afom.afom_update, name="afom_update"),
    path(f"{base}afom/<int:pk>/supprimer/", views_afom.afom_delete, name="afom_delete"),
    path(f"{base}afom/<int:pk>/deplacer/<str:direction>/", views_afom.afom_move, name="afom_move"),
]

# --- Documents de planification, études, initiatives -----------------------------------------

urlpatterns += [
    path(f"{base}references/", views_references.references, name="references"),
    path(f"{base}planification/ajouter/", views_references.plan_create, name="plan_create"),
    path(f"{base}planification/<int:pk>/modifier/", views_references.plan_update, name="plan_update"),
    path(f"{base}planification/<int:pk>/supprimer/", views_references.plan_delete, name="plan_delete"),
    path(f"{base}planification/<int:pk>/fichier/", views_references.plan_download, name="plan_download"),
    path(f"{base}etudes/ajouter/", views_references.etude_create, name="etude_create"),
    path(f"{base}etudes/<int:pk>/modifier/", views_references.etude_update, name="etude_update"),
    path(f"{base}etudes/<int:pk>/supprimer/", views_references.etude_delete, name="etude_delete"),
    path(f"{base}initiatives/ajouter/", views_references.initiative_create, name="initiative_create"),
    path(f"{base}initiatives/<int:pk>/modifier/", views_references.initiative_update, name="initiative_update"),
    path(f"{base}initiatives/<int:pk>/supprimer/", views_references.initiative_delete, name="initiative_delete"),
]

# --- Points d'intérêt (carte) ----------------------------------------------------------------


urlpatterns += [
    path(f"{base}carte/", views_carte.carte_page, name="carte"),
    path(f"{base}carte/points/ajouter/", views_carte.point_create, name="point_create"),
    path(f"{base}carte/points/<int:pk>/modifier/", views_carte.point_update, name="point_update"),
    path(f"{base}carte/points/<int:pk>/supprimer/", views_carte.point_delete, name="point_delete"),
    path(f"{base}carte/points/importer/", views_carte.points_import, name="points_import"),
    path(f"{base}carte/points.geojson", views_carte.points_export, name="points_export"),
    path(f"{base}carte/communes.geojson", views_carte.communes_export, name="communes_export"),
]


# --- Exports ---------------------------------------------------------------------------------

urlpatterns += [
    path(f"{base}diagnostic.pdf", views_export.diagnostic_pdf, name="export_pdf"),
    path(f"{base}donnees.xlsx", views_export.diagnostic_xlsx, name="export_xlsx"),
]
