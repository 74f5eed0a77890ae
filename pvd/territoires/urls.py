from django.urls import path

from . import views

app_name = "territoires"
urlpatterns = [
    path("communes/recherche/", views.commune_search_view, name="commune_search"),
    path("epci/recherche/", views.epci_search_view, name="epci_search"),
]
