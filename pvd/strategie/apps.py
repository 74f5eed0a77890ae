from django.apps import AppConfig


class StrategieConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.strategie"

    def ready(self):
        from pvd.gouvernance import registry

        # The comité de projet validates the strategy as a whole and each of its axes.
        registry.register(
            self.get_model("ProjetTerritoire"),
            key="projet",
            label="Projet de territoire (stratégie dans son ensemble)",
            noun="ce projet de territoire",
            submit_permission="strategie.edit",
            select_related=("dossier",),
        )
        registry.register(
            self.get_model("AxeStrategique"),
            key="axe",
            label="Axes stratégiques",
            noun="cet axe",
            submit_permission="strategie.edit",
            delete_hint="Modifiez-le plutôt.",
        )
