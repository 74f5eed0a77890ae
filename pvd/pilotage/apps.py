from django.apps import AppConfig


class PilotageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.pilotage"
    verbose_name = "Pilotage"

    def ready(self):
        from pvd.gouvernance import registry

        # The bilan annuel is submitted to the comité de projet like any document.
        registry.register(
            self.get_model("BilanAnnuel"),
            key="bilan",
            label="Bilans annuels",
            noun="ce bilan annuel",
            submit_permission="bilan.edit",
            select_related=("dossier",),
            delete_hint="Complétez plutôt son appréciation.",
        )
