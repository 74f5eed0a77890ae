"""In the admin: the bin (read-only, with a restore action) and, for every admin of a dossier's
data, deletions that go to the bin (`CorbeilleAdminMixin`, put on them in `JournalConfig.ready`).
The historical models are shown read-only (`HistoryReadOnlyAdmin`): nobody changes the journal."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Corbeille
from .services import corbeille_move, corbeille_restore


class CorbeilleAdminMixin:
    """Deleting (one object, or `delete_selected`) moves the object and its cascade to the bin."""

    def delete_model(self, request, obj):
        corbeille_move(instance=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            corbeille_move(instance=obj, by=request.user)


def with_bin(model_admin_class):
    """The admin class with its deletions going to the bin."""
    if issubclass(model_admin_class, CorbeilleAdminMixin):
        return model_admin_class
    return type(model_admin_class.__name__, (CorbeilleAdminMixin, model_admin_class), {})


class HistoryReadOnlyAdmin(admin.ModelAdmin):
    """A historical model in the admin: read, never added, changed nor deleted."""

    list_display = ["__str__", "history_type", "history_user", "history_date", "dossier_ref"]
    list_filter = ["history_type"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Corbeille)
class CorbeilleAdmin(admin.ModelAdmin):
    list_display = ["label", "content_type", "dossier_ref", "deleted_by", "deleted_at", "item_count"]
    list_select_related = ["content_type", "deleted_by"]
    list_filter = ["content_type"]
    search_fields = ["label"]
    actions = ["restore"]
    readonly_fields = [f.name for f in Corbeille._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # `vider_corbeille` empties it after its retention, files included

    @admin.action(description="Restaurer les éléments sélectionnés")
    def restore(self, request, queryset):
        for entry in queryset:
            try:
                corbeille_restore(entry=entry, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"« {entry.label} » a été restauré.", messages.SUCCESS)
