"""The governance in the Django admin, for platform administrators.

Instances and their members can be corrected here. Séances, agenda points, attendance and
decisions are read-only: their rules (immutability once the minutes are approved, a correction
being a new decision) live in the services, which the admin would bypass.
"""

from django.contrib import admin

from .models import CalendrierDossier, ConvocationEnvoi, Decision, Instance, MembreInstance, PointOrdreDuJour, Seance


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembreInstanceInline(admin.TabularInline):
    model = MembreInstance
    extra = 0
    raw_id_fields = ["organisation", "user"]


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "dossier", "instance_existante"]
    list_select_related = ["dossier"]
    list_filter = ["type", "instance_existante"]
    search_fields = ["nom", "dossier__nom"]
    raw_id_fields = ["dossier"]
    inlines = [MembreInstanceInline]


@admin.register(Seance)
class SeanceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "date", "lieu", "compte_rendu_approuve_le", "convocation_envoyee_le"]
    list_select_related = ["instance"]
    search_fields = ["instance__nom", "instance__dossier__nom", "lieu"]
    date_hierarchy = "date"


@admin.register(PointOrdreDuJour)
class PointOrdreDuJourAdmin(ReadOnlyAdmin):
    list_display = ["titre", "dossier", "seance", "ordre", "target_type", "submitted_at"]
    list_select_related = ["dossier", "seance__instance", "target_type"]
    search_fields = ["titre", "dossier__nom"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "resultat", "recorded_by", "created_at", "corrige"]
    list_select_related = ["point", "recorded_by", "corrige__point"]
    list_filter = ["resultat"]
    search_fields = ["point__titre", "texte"]


@admin.register(ConvocationEnvoi)
class ConvocationEnvoiAdmin(ReadOnlyAdmin):
    list_display = ["membre", "seance", "email", "envoyee_le"]
    list_select_related = ["membre", "seance__instance"]


@admin.register(CalendrierDossier)
class CalendrierDossierAdmin(ReadOnlyAdmin):
    # The token is a secret address: never shown, only revoked (deleted).
    list_display = ["dossier", "user", "created_at"]
    list_select_related = ["dossier", "user"]
    fields = ["dossier", "user", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
