from django.contrib import admin

from .models import Consultation, Contribution, Moderation, PageParticipation


@admin.register(PageParticipation)
class PageParticipationAdmin(admin.ModelAdmin):
    list_display = ["dossier", "publiee", "titre"]
    list_filter = ["publiee"]
    list_select_related = ["dossier"]
    search_fields = ["dossier__nom", "titre"]
    raw_id_fields = ["dossier"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["question", "dossier", "ouverture", "cloture"]
    list_select_related = ["dossier"]
    search_fields = ["question", "dossier__nom"]
    raw_id_fields = ["dossier", "axe", "fiche"]


class ModerationInline(admin.TabularInline):
    model = Moderation
    extra = 0
    fields = ["at", "action", "motif", "by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dossier", "kind", "theme", "statut", "created_at"]
    list_filter = ["statut", "kind", "theme"]
    list_select_related = ["dossier"]
    search_fields = ["texte", "auteur", "dossier__nom"]
    raw_id_fields = ["dossier", "consultation", "axe", "fiche", "moderated_by", "answered_by"]
    readonly_fields = ["created_at", "moderated_by", "moderee_le", "answered_by", "reponse_le"]
    inlines = [ModerationInline]


@admin.register(Moderation)
class ModerationAdmin(admin.ModelAdmin):
    list_display = ["contribution", "action", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["contribution", "by"]
    raw_id_fields = ["contribution", "by"]
