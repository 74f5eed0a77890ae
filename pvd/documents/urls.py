from django.urls import path

from . import views

app_name = "documents"

_D = "dossiers/<int:dossier_pk>/documents/"
_DOC = _D + "<int:document_pk>/"

urlpatterns = [
    path(_D, views.document_list, name="list"),
    path(_D + "nouveau/", views.document_create, name="create"),
    path(_DOC, views.document_detail, name="detail"),
    path(_DOC + "modifier/", views.document_update, name="update"),
    path(_DOC + "versions/", views.version_add, name="version_add"),
    path(_DOC + "versions/<int:version_pk>/", views.version_download, name="download"),
    path(_DOC + "supprimer/", views.document_delete, name="delete"),
    path(_DOC + "soumettre/", views.document_submit, name="submit"),
]
