from django.contrib import admin

from .models import Avis


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    """Read only: an opinion of the State is never changed nor deleted, not even here."""

    list_display = ["date", "sens", "emetteur", "objet", "dossier"]
    list_filter = ["sens"]
    search_fields = ["objet", "emetteur", "auteur_nom"]
    readonly_fields = [f.name for f in Avis._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
