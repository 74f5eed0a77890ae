from django.apps import AppConfig


class StrategieConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.strategie"
