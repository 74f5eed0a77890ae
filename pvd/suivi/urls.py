from . import urls_indicateurs

app_name = "suivi"
urlpatterns = [*urls_indicateurs.urlpatterns]
