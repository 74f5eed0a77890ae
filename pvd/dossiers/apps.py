from django.apps import AppConfig


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.dossiers"

    def ready(self):
        from pvd.comptes import double_facteur

        from .middleware import double_facteur_required

        double_facteur.register_required_rule(double_facteur_required)
