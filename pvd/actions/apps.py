from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.actions"

    def ready(self):
        from pvd.gouvernance import registry

        # The comité de projet validates each fiche action; a confidential one keeps its title
        # within the équipe-projet (FicheActionQuerySet.visible_to).
        registry.register(
            self.get_model("FicheAction"),
            key="fiche",
            label="Fiches action",
            noun="cette fiche action",
            feminine=True,
            submit_permission="fiche.submit",
            confidential_field="confidentielle",
            confidential_permission="fiche.view_confidential",
            confidential_label="Fiche action confidentielle",
            delete_hint="Passez-la au statut « abandonné » si elle n'est plus d'actualité.",
        )
