from django.db.models import Count, Prefetch
from django.utils import timezone

from pvd.territoires.models import Commune

from . import perms
from .models import DemandeDossier, DemandeStatut, Dossier, Invitation, Membre, Role
from .steps import dossier_steps, optional_provider

PHASES = {
    "adhesion": "Adhésion à signer",
    "elaboration": "Élaboration du projet de territoire",
    "ort": "Convention-cadre signée (ORT)",
    "mise_en_oeuvre": "Mise en œuvre",
    "cloture": "Clôturé",
}


def dossier_list(*, user, filters: dict | None = None):
    """Dossiers the user may see, with what the list shows, in a constant number of queries."""
    qs = (
        Dossier.objects.visible_to(user)
        .select_related("epci")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.select_related("departement").order_by("nom")))
        .annotate(nb_membres=Count("membres", distinct=True))
        .order_by("nom", "pk")  # same-name dossiers keep a stable order across pages
    )
    filters = filters or {}
    if filters.get("departement"):
        qs = qs.filter(communes__departement_id=filters["departement"]).distinct()
    if filters.get("q"):
        qs = qs.filter(nom__icontains=filters["q"])
    if filters.get("echeance"):
        # The signature dates are the conventions app's (a layer above): it provides the filter.
        with_echeance = optional_provider("pvd.conventions.selectors.dossier_ids_with_echeance")
        qs = qs.filter(pk__in=with_echeance(qs, filters["echeance"])) if with_echeance else qs.none()
    return qs


def dossier_phase(dossier) -> tuple[str, str]:
    """(code, label) of the phase, derived from the conventions when that app provides it."""
    if dossier.cloture_le:
        return "cloture", PHASES["cloture"]
    provider = optional_provider("pvd.conventions.steps.phase")
    if provider is None:
        return "adhesion", PHASES["adhesion"]
    code = provider(dossier)
    return code, PHASES[code]


def dossier_key_dates(dossier) -> list[tuple[str, object]]:
    # The day in France, as every other date of the page (not the UTC day: wrong near midnight).
    dates = [("Création du dossier", timezone.localdate(dossier.created_at))]
    if dossier.date_entree:
        dates.insert(0, ("Entrée dans le programme", dossier.date_entree))
    provider = optional_provider("pvd.conventions.steps.key_dates")
    if provider:
        dates.extend(provider(dossier))
    if dossier.cloture_le:
        dates.append(("Clôture", dossier.cloture_le))
    return dates


def dossier_overview(dossier, access=None) -> dict:
    code, label = dossier_phase(dossier)
    return {
        "steps": dossier_steps(dossier, access),
        "phase_code": code,
        "phase_label": label,
        "key_dates": dossier_key_dates(dossier),
    }


def membres_of(dossier):
    return Membre.objects.filter(dossier=dossier).select_related("user").order_by("role", "user__last_name")


def chef_designation(*, dossier, user) -> dict | None:
    """For the State user who may designate the dossier's chef de projet (`dossier.designate_chef`),
    while no chef de projet has joined: the pending chef de projet invitations, oldest first.
    None for anybody else, or once the dossier has a chef."""
    if not perms.dossier_state_access(user, dossier).can("dossier.designate_chef"):
        return None
    if dossier.membres.filter(role=Role.CHEF_DE_PROJET).exists():
        return None
    invitations = Invitation.objects.filter(dossier=dossier, role=Role.CHEF_DE_PROJET, accepted_at__isnull=True)
    return {"invitations": list(invitations.order_by("created_at", "pk"))}


def demandes_a_traiter(*, user):
    """The pending requests a préfecture (its département) or ANCT (all) decides, oldest first."""
    return (
        DemandeDossier.objects.decidable_by(user)
        .filter(statut=DemandeStatut.EN_ATTENTE)
        .select_related("commune__departement", "commune__epci", "demandeur")
        .order_by("created_at", "pk")
    )


def demandes_traitees(*, user, limit: int = 20):
    """The last requests decided in the user's scope."""
    return (
        DemandeDossier.objects.decidable_by(user)
        .exclude(statut=DemandeStatut.EN_ATTENTE)
        .select_related("commune__departement", "demandeur", "decided_by", "dossier")
        .order_by("-decided_at", "-pk")[:limit]
    )


def demandes_of(*, user):
    """The requests a user made, newest first."""
    return (
        DemandeDossier.objects.filter(demandeur=user)
        .select_related("commune__departement", "dossier")
        .order_by("-created_at", "-pk")
    )
