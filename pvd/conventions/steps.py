"""What the dossier home reads from the conventions: steps 1 and 7, the phase, the key dates."""

from django.urls import reverse
from django.utils import timezone

from pvd.core.formatting import date_fr
from pvd.dossiers import deadline
from pvd.dossiers.models import Membre, Role
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action

from .models import Convention, ConventionEtat, ConventionType


def _by_type(dossier) -> dict:
    conventions = Convention.objects.filter(
        dossier=dossier, kind__in=[ConventionType.ADHESION, ConventionType.CADRE]
    ).exclude(etat=ConventionEtat.RESILIEE)
    return {c.kind: c for c in conventions}


def _signed(convention) -> bool:
    return convention is not None and convention.etat == ConventionEtat.SIGNEE


def _detail(convention) -> str:
    return reverse("conventions:detail", kwargs={"dossier_pk": convention.dossier_id, "pk": convention.pk})


def engagement(dossier, access=None):
    adhesion = _by_type(dossier).get(ConventionType.ADHESION)
    has_chef = Membre.objects.filter(dossier=dossier, role=Role.CHEF_DE_PROJET).exists()
    chef = "chef de projet désigné" if has_chef else "chef de projet à désigner"
    if _signed(adhesion):
        etat = TERMINE if has_chef else EN_COURS
        action = None
        if not has_chef:
            membres = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
            action = next_action(
                access, "membres.manage", "Désigner le chef de projet", membres, read=("Voir les membres", membres)
            )
        return etat, f"Convention d'adhésion signée le {date_fr(adhesion.date_signature)} ; {chef}.", action
    if adhesion is not None:
        action = next_action(
            access,
            "conventions.sign",
            "Signer la convention d'adhésion",
            _detail(adhesion),
            read=("Voir la convention d'adhésion", _detail(adhesion)),
        )
        return EN_COURS, f"Convention d'adhésion : {adhesion.get_etat_display().lower()} ; {chef}.", action
    create = reverse("conventions:create", kwargs={"dossier_pk": dossier.pk})
    action = next_action(access, "conventions.edit", "Préparer la convention d'adhésion", create)
    return A_VENIR, f"Convention d'adhésion à préparer ; {chef}.", action


def _cadre_action(dossier, cadre, access):
    """From the comité's validation to the signature of the convention-cadre."""
    from pvd.gouvernance.selectors import validation_state
    from pvd.gouvernance.steps import waiting_action

    if cadre is None:
        create = reverse("conventions:create", kwargs={"dossier_pk": dossier.pk})
        return next_action(access, "conventions.edit", "Préparer la convention-cadre", create)
    url = _detail(cadre)
    read = ("Voir la convention-cadre", url)
    state = validation_state(cadre)
    if state.is_validated:
        return next_action(access, "conventions.sign", "Signer la convention-cadre", url, read=read)
    waiting = waiting_action(
        dossier,
        access,
        [state],
        waiting="La convention-cadre attend le comité de projet",
        inscrire="Inscrire la convention-cadre à une séance",
    )
    return waiting or next_action(
        access, "conventions.edit", "Soumettre la convention-cadre au comité de projet", url, read=read
    )


def convention_cadre(dossier, access=None):
    conventions = _by_type(dossier)
    cadre = conventions.get(ConventionType.CADRE)
    if _signed(cadre):
        return TERMINE, f"Convention-cadre signée le {date_fr(cadre.date_signature)}.", None
    # The same dates as `echeance_for`, read from the conventions already loaded.
    adhesion = conventions.get(ConventionType.ADHESION)
    ech = deadline.echeance(
        adhesion_signed_on=adhesion.date_signature if adhesion else None,
        cadre_signed_on=cadre.date_signature if cadre else None,
        today=timezone.localdate(),
    )
    if ech.state == deadline.SANS_ADHESION:
        return A_VENIR, "Après la signature de la convention d'adhésion.", None
    detail = f"À signer au plus tard le {date_fr(ech.due)}"
    if ech.state == deadline.DEPASSEE:
        detail += " : échéance dépassée"
    detail += "." if cadre is None else f" ; {cadre.get_etat_display().lower()}."
    return EN_COURS, detail, _cadre_action(dossier, cadre, access)


def phase(dossier) -> str:
    conventions = _by_type(dossier)
    if _signed(conventions.get(ConventionType.CADRE)):
        from pvd.actions.models import FicheAction, FicheStatut

        if FicheAction.objects.filter(dossier=dossier, statut__in=[FicheStatut.EN_COURS, FicheStatut.REALISE]).exists():
            return "mise_en_oeuvre"
        return "ort"
    if _signed(conventions.get(ConventionType.ADHESION)):
        return "elaboration"
    return "adhesion"


def key_dates(dossier) -> list[tuple[str, object]]:
    conventions = _by_type(dossier)
    dates = []
    adhesion, cadre = conventions.get(ConventionType.ADHESION), conventions.get(ConventionType.CADRE)
    if _signed(adhesion):
        dates.append(("Signature de la convention d'adhésion", adhesion.date_signature))
        if not _signed(cadre):
            dates.append(("Échéance de la convention-cadre (18 mois)", deadline.due_date(adhesion.date_signature)))
    if _signed(cadre):
        dates.append(("Signature de la convention-cadre", cadre.date_signature))
    for avenant in (
        Convention.objects.filter(dossier=dossier, kind=ConventionType.AVENANT, etat=ConventionEtat.SIGNEE)
        .select_related("amende")
        .order_by("date_signature", "pk")
    ):
        dates.append((f"Signature de l'{str(avenant)[0].lower()}{str(avenant)[1:]}", avenant.date_signature))
    return dates
