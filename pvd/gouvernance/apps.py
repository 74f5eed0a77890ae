from django.apps import AppConfig


class GouvernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.gouvernance"
