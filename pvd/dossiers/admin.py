"""Platform administrators manage dossiers, members and invitations in the Django admin."""

from django import forms
from django.contrib import admin

from pvd.comptes.admin import UserAdmin
from pvd.comptes.models import User
from pvd.dossiers.models import DemandeDossier, Dossier, Invitation, Membre, Role


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


# --- A dossier never ends up without a chef de projet, whatever the admin does ----------------


def _protected_by_last_chef(protected: list, **leaving) -> list:
    from .services import LAST_CHEF_MESSAGE, last_chef_dossiers

    return [*protected, *(LAST_CHEF_MESSAGE.format(dossier=d.nom) for d in last_chef_dossiers(**leaving))]


class MembreAdminForm(forms.ModelForm):
    class Meta:
        model = Membre
        fields = ["dossier", "user", "role"]

    def clean(self):
        from .services import last_chef_check

        cleaned = super().clean()
        instance = self.instance
        if instance.pk and instance.role == Role.CHEF_DE_PROJET and cleaned.get("role") != Role.CHEF_DE_PROJET:
            last_chef_check(membres=[instance])
        return cleaned


class MembreInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not self.instance.pk or not any(f.instance.pk for f in self.forms):
            return
        had_chef = any(f.instance.pk and f.initial.get("role") == Role.CHEF_DE_PROJET for f in self.forms)
        keeps_chef = any(
            f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("role") == Role.CHEF_DE_PROJET
            for f in self.forms
        )
        if had_chef and not keeps_chef:
            from .services import LAST_CHEF_MESSAGE

            raise forms.ValidationError(LAST_CHEF_MESSAGE.format(dossier=self.instance.nom))


MembreInline.formset = MembreInlineFormSet
MembreAdmin.form = MembreAdminForm


def _membre_deleted_objects(self, objs, request):
    deleted, counts, perms_needed, protected = admin.ModelAdmin.get_deleted_objects(self, objs, request)
    return deleted, counts, perms_needed, _protected_by_last_chef(protected, membres=list(objs))


MembreAdmin.get_deleted_objects = _membre_deleted_objects


class GuardedUserChangeForm(UserAdmin.form):
    def clean(self):
        from .services import last_chef_check

        cleaned = super().clean()
        if self.instance.pk and self.instance.is_active and cleaned.get("is_active") is False:
            last_chef_check(users=[self.instance])
        return cleaned


class GuardedUserAdmin(UserAdmin):
    """The accounts' admin (comptes), which does not know the dossiers: deleting or deactivating
    the last chef de projet of a dossier is refused."""

    form = GuardedUserChangeForm

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, _protected_by_last_chef(protected, users=list(objs))


admin.site.unregister(User)
admin.site.register(User, GuardedUserAdmin)
