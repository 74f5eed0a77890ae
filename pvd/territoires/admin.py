from django.contrib import admin

from .models import Commune, Departement, Epci, Organisation, Region


class ReadMostlyAdmin(admin.ModelAdmin):
    """Reference data come from `import_cog`: no creation or deletion by hand."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadMostlyAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]
    readonly_fields = ["code"]


@admin.register(Departement)
class DepartementAdmin(ReadMostlyAdmin):
    list_display = ["code", "nom", "region"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = ["code", "nom"]
    readonly_fields = ["code", "region"]


@admin.register(Epci)
class EpciAdmin(ReadMostlyAdmin):
    list_display = ["siren", "nom", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["siren", "nom", "search_text"]
    readonly_fields = ["siren", "kind", "population"]


@admin.register(Commune)
class CommuneAdmin(ReadMostlyAdmin):
    list_display = ["code", "nom", "departement", "epci", "population", "pvd", "pvd_id"]
    list_select_related = ["departement", "epci"]
    list_filter = ["pvd", "departement__region"]
    search_fields = ["code", "nom", "search_text", "pvd_id"]
    readonly_fields = ["code", "departement", "epci", "siren", "population", "codes_postaux"]
    fields = ["code", "nom", "departement", "epci", "siren", "population", "codes_postaux", "pvd", "pvd_id"]
    show_full_result_count = False


class PorteeFilter(admin.SimpleListFilter):
    title = "portée"
    parameter_name = "portee"

    def lookups(self, request, model_admin):
        return [("partagee", "Nationale ou d’un territoire"), ("dossier", "D’un dossier")]

    def queryset(self, request, queryset):
        if self.value() == "partagee":
            return queryset.filter(dossier__isnull=True)
        if self.value() == "dossier":
            return queryset.filter(dossier__isnull=False)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Where ANCT's administrators curate the national list (also on /territoires/organisations/)
    and can see every dossier's organisations. Leave `dossier` empty for a national body."""

    list_display = ["nom", "kind", "dossier", "siren"]
    list_select_related = ["dossier"]
    list_filter = [PorteeFilter, "kind"]
    search_fields = ["nom", "siren", "dossier__nom"]
    autocomplete_fields = ["commune", "epci", "departement"]
    raw_id_fields = ["dossier"]
