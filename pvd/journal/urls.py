from django.urls import path

from . import views

app_name = "journal"

_D = "dossiers/<int:dossier_pk>/"

urlpatterns = [
    path(_D + "journal/", views.journal, name="journal"),
    path(_D + "corbeille/", views.corbeille, name="corbeille"),
    path(_D + "corbeille/<int:pk>/restaurer/", views.corbeille_restore, name="corbeille_restore"),
]
