from django.contrib import admin

from .models import AxeStrategique, ProjetTerritoire, ProjetTerritoireVersion, SecteurIntervention, SousObjectif


class SousObjectifInline(admin.TabularInline):
    model = SousObjectif
    extra = 0


@admin.register(AxeStrategique)
class AxeStrategiqueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dossier", "echelle", "ordre"]
    list_select_related = ["dossier"]
    search_fields = ["titre", "dossier__nom"]
    filter_horizontal = ["partenaires"]
    inlines = [SousObjectifInline]
    # Numbers are unique per dossier and every change records a version: through the pages only.
    readonly_fields = ["dossier", "numero"]

    def has_add_permission(self, request):
        return False  # created by the strategy pages, which record a version


@admin.register(ProjetTerritoire)
class ProjetTerritoireAdmin(admin.ModelAdmin):
    list_display = ["dossier", "publie", "updated_at"]
    list_select_related = ["dossier"]
    raw_id_fields = ["version_publiee"]
    readonly_fields = ["dossier"]


@admin.register(ProjetTerritoireVersion)
class ProjetTerritoireVersionAdmin(admin.ModelAdmin):
    list_display = ["projet", "numero", "motif", "auteur", "created_at"]
    list_select_related = ["projet__dossier", "auteur"]
    readonly_fields = ["projet", "numero", "snapshot", "motif", "auteur", "created_at"]


@admin.register(SecteurIntervention)
class SecteurInterventionAdmin(admin.ModelAdmin):
    list_display = ["nom", "kind", "commune", "dossier", "surface_m2"]
    list_select_related = ["commune", "dossier"]
    # Dossier, commune and geometry go through the validating services (pages and import), never
    # raw edits: the commune must be one of the dossier's, the shape valid, its area computed.
    readonly_fields = ["dossier", "commune", "geometry", "surface_m2"]

    def has_add_permission(self, request):
        return False  # drawn or imported on the strategy pages, which validate the shape
