from django.contrib import admin

from .models import IndicateurModele


@admin.register(IndicateurModele)
class IndicateurModeleAdmin(admin.ModelAdmin):
    list_display = ["nom", "key", "theme", "kind", "unite", "active", "ordre"]
    list_editable = ["active", "ordre"]
    list_filter = ["active", "kind", "theme"]
    search_fields = ["nom", "key", "theme", "source"]

    def get_readonly_fields(self, request, obj=None):
        # Indicators store the key: renaming it would orphan them. Deactivate instead.
        return ["key"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # an entry may be referenced by indicators: deactivate it instead
