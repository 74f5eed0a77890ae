from django.apps import AppConfig


def _submittable(document) -> bool:
    # What the comité de projet decides on is shared with its members (préfet, partners).
    return not document.confidentiel


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.documents"
    verbose_name = "Documents"

    def ready(self):
        from pvd.gouvernance import registry

        registry.register(
            self.get_model("Document"),
            key="document",
            label="Documents",
            noun="ce document",
            submit_permission="documents.submit",
            submittable=_submittable,
            delete_hint="Déposez plutôt une nouvelle version.",
        )
