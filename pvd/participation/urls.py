from django.urls import path

from . import views

app_name = "participation"
prefix = "dossiers/<int:dossier_pk>/participation/"
urlpatterns = [
    path("participation/<int:dossier_pk>/", views.public_page, name="public"),
    path("participation/<int:dossier_pk>/contributions/<int:pk>/", views.public_contribution, name="contribution"),
    path(prefix, views.moderation, name="moderation"),
    path(prefix + "page/", views.page_update, name="page_update"),
    path(prefix + "consultations/", views.consultation_create, name="consultation_create"),
    path(prefix + "contributions.csv", views.export_csv, name="export"),
    path(prefix + "contributions/<int:pk>/<str:action>/", views.moderate, name="moderate"),
]
