from django.apps import AppConfig


class SuiviConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.suivi"
