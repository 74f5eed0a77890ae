from .perms import national_access_for, state_access


def national_perms(request):
    """The permissions outside any dossier (`{% if national_perms.organisations_curate %}` in the
    header), computed only when a template reads them (the template calls the function). Here,
    not in pvd.core: the permission table belongs to dossiers, above the core layer."""
    return {
        "national_perms": lambda: national_access_for(getattr(request, "user", None)).perms,
        # The State scope (préfecture or ANCT) outside any dossier: `state_perms.pilotage_tableau_territorial`.
        "state_perms": lambda: _state_perms(getattr(request, "user", None)),
    }


def _state_perms(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    return state_access(user).perms
