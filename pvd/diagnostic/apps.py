from django.apps import AppConfig


class DiagnosticConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.diagnostic"
    verbose_name = "Diagnostic"

    def ready(self):
        from pvd.gouvernance import registry

        # The comité de projet validates the diagnostic as a whole, like the strategy.
        registry.register(
            self.get_model("Diagnostic"),
            key="diagnostic",
            label="Diagnostic du territoire",
            noun="ce diagnostic",
            submit_permission="diagnostic.edit",
            select_related=("dossier",),
        )
