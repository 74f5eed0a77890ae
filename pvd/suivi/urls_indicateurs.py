from django.urls import path

from . import views_indicateurs

_D = "dossiers/<int:dossier_pk>/suivi/"
urlpatterns = [
    path(_D + "indicateurs/", views_indicateurs.indicateurs, name="indicateurs"),
    path(_D + "indicateurs/<int:pk>/", views_indicateurs.indicateur, name="indicateur"),
]
