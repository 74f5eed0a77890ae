"""Platform administrators read the conventions in the Django admin. What the services guard
(type, amended convention, state, dates of signature, documents) is read-only here: signatures,
résiliation and documents go through the pages, which check the order of dates and the roles."""

from django.contrib import admin

from .models import Convention, ConventionDocument, Signataire


class SignataireInline(admin.TabularInline):
    model = Signataire
    extra = 0
    can_delete = False
    fields = ["organisation", "representant", "qualite", "date_deliberation", "engagements", "signe_le", "ordre"]
    readonly_fields = fields  # edited one by one below, where a signed signatory is locked
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ConventionDocumentInline(admin.TabularInline):
    model = ConventionDocument
    extra = 0
    can_delete = False
    fields = ["kind", "version", "file", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dossier", "etat", "date_signature", "created_at"]
    list_select_related = ["dossier", "amende"]
    list_filter = ["kind", "etat"]
    search_fields = ["dossier__nom", "titre"]
    raw_id_fields = ["dossier"]
    readonly_fields = ["dossier", "kind", "amende", "numero_avenant", "etat", "date_signature", "created_at"]
    inlines = [SignataireInline, ConventionDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signataire)
class SignataireAdmin(admin.ModelAdmin):
    list_display = ["__str__", "convention", "signe_le"]
    list_select_related = ["organisation", "convention__amende", "convention"]
    search_fields = ["representant", "organisation__nom", "convention__dossier__nom"]
    readonly_fields = ["convention", "organisation", "signe_le"]

    def get_readonly_fields(self, request, obj=None):
        # Who signed stays who signed (as in services.signataire_update).
        if obj is not None and obj.signe_le:
            return [*self.readonly_fields, "representant", "qualite"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConventionDocument)
class ConventionDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "convention", "uploaded_by", "created_at"]
    list_select_related = ["convention__amende", "convention", "uploaded_by"]
    list_filter = ["kind"]
    readonly_fields = ["convention", "kind", "version", "file", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
