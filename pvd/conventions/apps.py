from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.conventions"

    def ready(self):
        from pvd.gouvernance import registry

        from .selectors import comite_missing_signataires

        registry.register(
            self.get_model("Convention"),
            key="convention",
            label="Conventions",
            noun="cette convention",
            feminine=True,
            submit_permission="conventions.edit",
            select_related=("amende",),
        )
        # The signatories of the convention d'adhésion sit in the comité de projet.
        registry.register_required_members(comite_missing_signataires)
