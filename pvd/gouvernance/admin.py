"""The governance in the Django admin, for platform administrators.

Instances and their members can be corrected here, except what the rules fix: an instance's
type and dossier (only the comité de projet decides, one per dossier), and the name of a member
on the attendance list of a séance whose minutes are approved. Séances, agenda points, attendance and
decisions are read-only: their rules (immutability once the minutes are approved, a correction
being a new decision) live in the services, which the admin would bypass.
"""

from django import forms
from django.contrib import admin

from .models import (
    CalendrierDossier,
    ConvocationEnvoi,
    Decision,
    Instance,
    MembreInstance,
    PointOrdreDuJour,
    Presence,
    Seance,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembreInstanceAdminForm(forms.ModelForm):
    locked_ids: frozenset = frozenset()  # set per request by the inline, in one query

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk in self.locked_ids:
            # The approved minutes' attendance list names this person: a disabled field
            # ignores whatever is posted.
            self.fields["nom"].disabled = True
            self.fields["nom"].help_text = "Figure sur une feuille de présence approuvée : le nom ne change plus."


class MembreInstanceInline(admin.TabularInline):
    model = MembreInstance
    form = MembreInstanceAdminForm
    extra = 0
    raw_id_fields = ["organisation", "user"]

    def get_formset(self, request, obj=None, **kwargs):
        locked = frozenset(
            Presence.objects.filter(membre__instance=obj, seance__compte_rendu_approuve_le__isnull=False)
            .values_list("membre_id", flat=True)
            .distinct()
            if obj is not None
            else ()
        )
        form = type("MembreInstanceAdminForm", (self.form,), {"locked_ids": locked})
        return super().get_formset(request, obj, form=form, **kwargs)


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin):
    list_display = ["nom", "kind", "dossier", "instance_existante"]
    list_select_related = ["dossier"]
    list_filter = ["kind", "instance_existante"]
    search_fields = ["nom", "dossier__nom"]
    raw_id_fields = ["dossier"]
    inlines = [MembreInstanceInline]

    def get_readonly_fields(self, request, obj=None):
        # Changing the type would make a body the comité de projet (or stop it being one)
        # without any decision; moving it to another dossier would carry its séances along.
        return ["kind", "dossier"] if obj is not None else []


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
