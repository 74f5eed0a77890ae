from django.contrib import admin

from .models import Document, DocumentVersion


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["numero", "nom", "taille", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["titre", "dossier", "kind", "confidentiel", "created_at"]
    list_filter = ["kind", "confidentiel"]
    search_fields = ["titre", "dossier__nom"]
    raw_id_fields = ["dossier", "created_by"]
    inlines = [VersionInline]
