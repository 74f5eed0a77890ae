from django.urls import path

from . import views

app_name = "gouvernance"
prefix = "dossiers/<int:dossier_pk>/gouvernance/"
urlpatterns = [
    path(prefix, views.index, name="index"),
    path(prefix + "calendrier.ics", views.feed, name="feed"),
    path(prefix + "calendrier/nouvelle-adresse/", views.feed_token_create, name="feed_token_create"),
    path("gouvernance/calendrier/<str:token>.ics", views.feed_token, name="feed_token"),
    path(prefix + "instances/<int:pk>/", views.instance_detail, name="instance"),
    path(prefix + "instances/<int:pk>/modifier/", views.instance_update, name="instance_update"),
    path(prefix + "instances/<int:pk>/membres/ajouter/", views.membre_add, name="membre_add"),
    path(prefix + "instances/<int:pk>/seances/ajouter/", views.seance_create, name="seance_create"),
    path(prefix + "instances/<int:pk>/membres/<int:membre_pk>/retirer/", views.membre_remove, name="membre_remove"),
    path(prefix + "instances/<int:pk>/membres/<int:membre_pk>/fin/", views.membre_end, name="membre_end"),
    path(prefix + "seances/<int:pk>/", views.seance_detail, name="seance"),
    path(prefix + "seances/<int:pk>/modifier/", views.seance_update, name="seance_update"),
    path(prefix + "seances/<int:pk>/supprimer/", views.seance_delete, name="seance_delete"),
    path(
        prefix + "seances/<int:pk>/decisions/<int:decision_pk>/supprimer/",
        views.decision_delete,
        name="decision_delete",
    ),
    path(prefix + "seances/<int:pk>/points/ajouter/", views.point_add, name="point_add"),
    path(prefix + "seances/<int:pk>/compte-rendu/", views.compte_rendu, name="compte_rendu"),
    path(prefix + "seances/<int:pk>/points-en-attente/", views.pending_points_schedule, name="pending_schedule"),
    path(prefix + "seances/<int:pk>/points/<int:point_pk>/deplacer/", views.point_move, name="point_move"),
    path(prefix + "seances/<int:pk>/points/<int:point_pk>/decision/", views.decision, name="decision"),
    path(prefix + "seances/<int:pk>/presences/", views.presences, name="presences"),
    path(prefix + "seances/<int:pk>/approuver/", views.approve, name="approve"),
    path(prefix + "seances/<int:pk>/convocation/", views.convocation, name="convocation"),
    path(prefix + "seances/<int:pk>/convocation.pdf", views.convocation_pdf, name="convocation_pdf"),
    path(prefix + "seances/<int:pk>/convocation/envoyer/", views.convocation_send, name="convocation_send"),
    path(prefix + "seances/<int:pk>/compte-rendu.pdf", views.compte_rendu_pdf, name="compte_rendu_pdf"),
    path(prefix + "seances/<int:pk>/seance.ics", views.seance_ics_view, name="seance_ics"),
]
