from django.urls import path

from . import views, views_account

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("nouveau/", views.dossier_create, name="create"),
    path("demandes/", views.demandes, name="demandes"),
    path("demandes/nouvelle/", views.demande_create, name="demande_create"),
    path("demandes/<int:demande_pk>/accepter/", views.demande_accept, name="demande_accept"),
    path("demandes/<int:demande_pk>/refuser/", views.demande_refuse, name="demande_refuse"),
    path("<int:dossier_pk>/", views.dossier_detail, name="detail"),
    path("<int:dossier_pk>/modifier/", views.dossier_update, name="update"),
    path("<int:dossier_pk>/membres/", views.membres, name="membres"),
    path("<int:dossier_pk>/membres/<int:membre_pk>/role/", views.membre_role, name="membre_role"),
    path("<int:dossier_pk>/membres/<int:membre_pk>/retirer/", views.membre_remove, name="membre_remove"),
    path(
        "<int:dossier_pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<int:dossier_pk>/chef-de-projet/inviter/", views.chef_invite, name="chef_invite"),
    path(
        "<int:dossier_pk>/chef-de-projet/invitations/<int:invitation_pk>/annuler/",
        views.chef_invitation_cancel,
        name="chef_invitation_cancel",
    ),
    path(
        "<int:dossier_pk>/chef-de-projet/invitations/<int:invitation_pk>/renvoyer/",
        views.chef_invitation_resend,
        name="chef_invitation_resend",
    ),
]

# Pages of other namespaces that need the dossiers (config/urls.py mounts them; see views.py).
comptes_urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
    path("fermer/", views_account.account_close_view, name="fermer"),
]
territoires_urlpatterns = [
    path("organisations/", views.organisations_view, name="organisations"),
    path("organisations/<int:pk>/modifier/", views.organisation_update_view, name="organisation_update"),
]
