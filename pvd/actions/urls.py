from django.urls import path

from . import views, views_argent, views_import

app_name = "actions"

_D = "dossiers/<int:dossier_pk>/plan-action/"
_F = _D + "fiches/<int:fiche_pk>/"

urlpatterns = [
    path(_D, views.plan, name="plan"),
    path(_D + "export.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path(_D + "export.csv", views.plan_csv, name="plan_csv"),
    path(_D + "crte/", views.crte_export, name="crte_export"),
    path(_D + "import/", views_import.plan_import, name="import"),
    path(_D + "import/modele.xlsx", views_import.import_template, name="import_template"),
    path(_D + "maquette/", views.maquette, name="maquette"),
    path(_D + "maquette.xlsx", views.maquette_xlsx, name="maquette_xlsx"),
    path(_D + "fiches/nouvelle/", views.fiche_create, name="fiche_create"),
    path(_F, views.fiche_detail, name="fiche"),
    path(_F + "modifier/", views.fiche_update, name="fiche_update"),
    path(_F + "supprimer/", views.fiche_delete, name="fiche_delete"),
    path(_F + "budgets/<int:budget_pk>/supprimer/", views.budget_delete, name="budget_delete"),
    path(_F + "etapes/<int:etape_pk>/supprimer/", views.etape_delete, name="etape_delete"),
    path(_F + "notes/<int:note_pk>/supprimer/", views.note_delete, name="note_delete"),
    path(_F + "soumettre/", views.fiche_submit, name="fiche_submit"),
    path(_F + "publication/", views.fiche_publication, name="fiche_publication"),
    path(_F + "fiche.pdf", views.fiche_pdf, name="fiche_pdf"),
    path(_F + "fiche.docx", views.fiche_docx, name="fiche_docx"),
    path(_F + "financements/", views.ligne_add, name="ligne_add"),
    path(_F + "financements/<int:ligne_pk>/statut/", views.ligne_update_statut, name="ligne_statut"),
    path(_F + "financements/<int:ligne_pk>/modifier/", views.ligne_update, name="ligne_update"),
    path(_F + "financements/<int:ligne_pk>/supprimer/", views.ligne_delete, name="ligne_delete"),
    path(_F + "financements/<int:ligne_pk>/versement/", views_argent.ligne_verser, name="ligne_verser"),
    path(_F + "financements/<int:ligne_pk>/decision/", views_argent.ligne_decision, name="ligne_decision"),
    path(_F + "budgets/", views.budget_add, name="budget_add"),
    path(_F + "etapes/", views.etape_add, name="etape_add"),
    path(_F + "etapes/<int:etape_pk>/basculer/", views.etape_toggle, name="etape_toggle"),
    path(_F + "notes/", views.note_add, name="note_add"),
    path(_F + "pieces/", views.piece_add, name="piece_add"),
    path(_F + "pieces/<int:piece_pk>/", views.piece_download, name="piece_download"),
    path(_F + "pieces/<int:piece_pk>/supprimer/", views.piece_delete, name="piece_delete"),
    path(_F + "indicateurs/", views.indicateur_add, name="indicateur_add"),
    path(_F + "indicateurs/<int:indicateur_pk>/modifier/", views.indicateur_update, name="indicateur_update"),
    path(_F + "indicateurs/<int:indicateur_pk>/supprimer/", views.indicateur_delete, name="indicateur_delete"),
]
