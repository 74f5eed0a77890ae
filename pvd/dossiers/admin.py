"""Platform administrators manage dossiers, members and invitations in the Django admin."""

from django.contrib import admin

from pvd.dossiers.models import DemandeDossier, Dossier, Invitation, Membre


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["nom", "pvd_id", "epci", "date_entree", "cloture_le"]
    list_select_related = ["epci"]
    search_fields = ["nom", "pvd_id", "communes__nom", "communes__code"]
    autocomplete_fields = ["communes", "epci"]
    inlines = [MembreInline]


@admin.register(Membre)
class MembreAdmin(admin.ModelAdmin):
    list_display = ["user", "dossier", "role", "created_at"]
    list_select_related = ["user", "dossier"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "dossier__nom"]
    autocomplete_fields = ["user", "dossier"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "dossier", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["dossier", "invited_by"]
    list_filter = ["role"]
    search_fields = ["email", "dossier__nom"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["dossier", "invited_by"]


@admin.register(DemandeDossier)
class DemandeDossierAdmin(admin.ModelAdmin):
    """Read-only: requests are decided by the préfecture or ANCT on the platform, which sends the e-mails."""

    list_display = ["commune", "demandeur", "statut", "created_at", "decided_by", "decided_at"]
    list_select_related = ["commune", "demandeur", "decided_by"]
    list_filter = ["statut"]
    search_fields = ["commune__nom", "commune__code", "demandeur__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
