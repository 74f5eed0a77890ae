from django.apps import AppConfig


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.journal"
    verbose_name = "Journal et corbeille"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from .history import LAST_RECORD, dossier_ref_of

        def tag_dossier(sender, instance, history_instance, **kwargs):
            path = getattr(sender, "dossier_path", None)
            if path:
                history_instance.dossier_ref = dossier_ref_of(instance, path)
                setattr(instance, LAST_RECORD, history_instance)

        pre_create_historical_record.connect(tag_dossier, weak=False, dispatch_uid="journal_tag_dossier")
        self._admins_delete_to_bin()

    def _admins_delete_to_bin(self):
        """Every admin of a model the journal follows deletes through the bin: the admin cannot
        cascade-delete a dossier's content (the admin site is filled before this app is ready)."""
        from django.contrib import admin

        from .admin import HistoryReadOnlyAdmin, with_bin
        from .history import TRACKED

        for model, model_admin in list(admin.site._registry.items()):
            if model in TRACKED:
                admin.site.unregister(model)
                admin.site.register(model, with_bin(type(model_admin)))
        for model in TRACKED:
            if not admin.site.is_registered(model.history.model):
                admin.site.register(model.history.model, HistoryReadOnlyAdmin)
