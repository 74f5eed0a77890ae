from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.territoires"
