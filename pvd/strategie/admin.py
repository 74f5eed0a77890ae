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
    raw_id_fields = ["dossier"]
    filter_horizontal = ["partenaires"]
    inlines = [SousObjectifInline]


@admin.register(ProjetTerritoire)
class ProjetTerritoireAdmin(admin.ModelAdmin):
    list_display = ["dossier", "publie", "updated_at"]
    list_select_related = ["dossier"]
    raw_id_fields = ["dossier", "version_publiee"]


@admin.register(ProjetTerritoireVersion)
class ProjetTerritoireVersionAdmin(admin.ModelAdmin):
    list_display = ["projet", "numero", "motif", "auteur", "created_at"]
    list_select_related = ["projet__dossier", "auteur"]
    readonly_fields = ["projet", "numero", "snapshot", "motif", "auteur", "created_at"]


@admin.register(SecteurIntervention)
class SecteurInterventionAdmin(admin.ModelAdmin):
    list_display = ["nom", "kind", "commune", "dossier", "surface_m2"]
    list_select_related = ["commune", "dossier"]
    raw_id_fields = ["dossier", "commune"]
    # Geometry goes through the validating services (pages and import), never raw edits.
    readonly_fields = ["geometry", "surface_m2"]
