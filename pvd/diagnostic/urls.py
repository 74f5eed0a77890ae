from django.urls import path

from . import views, views_afom, views_references

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


# --- Exports ---------------------------------------------------------------------------------
