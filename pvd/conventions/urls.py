from django.urls import path

from . import views

app_name = "conventions"
P = "dossiers/<int:dossier_pk>/conventions/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "nouvelle/", views.convention_create, name="create"),
    path(P + "<int:pk>/", views.convention_detail, name="detail"),
    path(P + "<int:pk>/modifier/", views.convention_update, name="update"),
    path(P + "<int:pk>/supprimer/", views.convention_delete, name="delete"),
    path(P + "<int:pk>/resilier/", views.convention_resilier, name="resilier"),
    path(P + "<int:pk>/soumettre/", views.convention_submit, name="submit"),
    path(P + "<int:pk>/signataires/ajouter/", views.signataire_create, name="signataire_create"),
    path(P + "<int:pk>/signataires/<int:signataire_pk>/modifier/", views.signataire_update, name="signataire_update"),
    path(P + "<int:pk>/signataires/<int:signataire_pk>/supprimer/", views.signataire_delete, name="signataire_delete"),
    path(P + "<int:pk>/signataires/<int:signataire_pk>/signature/", views.signature_record, name="signature"),
    path(P + "<int:pk>/generer/<str:fmt>/", views.generate, name="generate"),
    path(P + "<int:pk>/version-signee/", views.signed_upload, name="signed_upload"),
    path(P + "<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
]
