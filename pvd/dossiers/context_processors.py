from .perms import national_access_for


def national_perms(request):
    """The permissions outside any dossier (`{% if national_perms.organisations_curate %}` in the
    header), computed only when a template reads them (the template calls the function). Here,
    not in pvd.core: the permission table belongs to dossiers, above the core layer."""
    return {"national_perms": lambda: national_access_for(getattr(request, "user", None)).perms}
