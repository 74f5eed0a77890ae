from django.urls import path

from . import views

app_name = "strategie"
base = "dossiers/<int:dossier_pk>/strategie/"
urlpatterns = [
    path(base, views.index, name="index"),
    path(f"{base}synthese/", views.projet_edit, name="projet_edit"),
    path(f"{base}publier/", views.projet_publish, name="publish"),
    path(f"{base}depublier/", views.projet_unpublish, name="unpublish"),
    path(f"{base}soumettre/", views.projet_submit, name="submit"),
    path(f"{base}projet-de-territoire/", views.projet, name="projet"),
    path(f"{base}versions/", views.versions, name="versions"),
    path(f"{base}versions/comparer/", views.version_diff, name="version_diff"),
    path(f"{base}axes/nouveau/", views.axe_create, name="axe_create"),
    path(f"{base}axes/<int:axe_pk>/", views.axe_update, name="axe_update"),
    path(f"{base}axes/<int:axe_pk>/supprimer/", views.axe_delete, name="axe_delete"),
    path(f"{base}axes/<int:axe_pk>/deplacer/<str:direction>/", views.axe_move, name="axe_move"),
    path(f"{base}axes/<int:axe_pk>/soumettre/", views.axe_submit, name="axe_submit"),
    path(f"{base}axes/<int:axe_pk>/sous-objectifs/", views.sous_objectif_create, name="sous_objectif_create"),
    path(f"{base}sous-objectifs/<int:pk>/", views.sous_objectif_update, name="sous_objectif_update"),
    path(f"{base}sous-objectifs/<int:pk>/supprimer/", views.sous_objectif_delete, name="sous_objectif_delete"),
    path(f"{base}axes/<int:axe_pk>/indicateurs/nouveau/", views.indicateur_create, name="indicateur_create"),
    path(f"{base}indicateurs/<int:pk>/", views.indicateur_update, name="indicateur_update"),
    path(f"{base}indicateurs/<int:pk>/supprimer/", views.indicateur_delete, name="indicateur_delete"),
    path(f"{base}secteurs/nouveau/", views.secteur_create, name="secteur_create"),
    path(f"{base}secteurs/importer/", views.secteurs_import, name="secteurs_import"),
    path(f"{base}secteurs/export.geojson", views.secteurs_export, name="secteurs_export"),
    path(f"{base}secteurs/<int:pk>/", views.secteur_update, name="secteur_update"),
    path(f"{base}secteurs/<int:pk>/supprimer/", views.secteur_delete, name="secteur_delete"),
    path("public/dossiers/<int:dossier_pk>/projet-de-territoire/", views.public, name="public"),
]
