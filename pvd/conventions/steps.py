"""What the dossier home reads from the conventions: steps 1 and 7, the phase, the key dates."""

from pvd.dossiers.models import Membre, Role
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE

from . import deadline
from .models import Convention, ConventionEtat, ConventionType
from .selectors import echeance_for


def _by_type(dossier) -> dict:
    conventions = Convention.objects.filter(
        dossier=dossier, type__in=[ConventionType.ADHESION, ConventionType.CADRE]
    ).exclude(etat=ConventionEtat.RESILIEE)
    return {c.type: c for c in conventions}


def _signed(convention) -> bool:
    return convention is not None and convention.etat == ConventionEtat.SIGNEE


def engagement(dossier) -> tuple[str, str]:
    adhesion = _by_type(dossier).get(ConventionType.ADHESION)
    has_chef = Membre.objects.filter(dossier=dossier, role=Role.CHEF_DE_PROJET).exists()
    chef = "chef de projet désigné" if has_chef else "chef de projet à désigner"
    if _signed(adhesion):
        etat = TERMINE if has_chef else EN_COURS
        return etat, f"Convention d'adhésion signée le {adhesion.date_signature:%d/%m/%Y} ; {chef}."
    if adhesion is not None:
        return EN_COURS, f"Convention d'adhésion : {adhesion.get_etat_display().lower()} ; {chef}."
    return A_VENIR, f"Convention d'adhésion à préparer ; {chef}."


def convention_cadre(dossier) -> tuple[str, str]:
    conventions = _by_type(dossier)
    cadre = conventions.get(ConventionType.CADRE)
    if _signed(cadre):
        return TERMINE, f"Convention-cadre signée le {cadre.date_signature:%d/%m/%Y}."
    ech = echeance_for(dossier)
    if ech.state == deadline.SANS_ADHESION:
        return A_VENIR, "Après la signature de la convention d'adhésion."
    detail = f"À signer au plus tard le {ech.due:%d/%m/%Y}"
    if ech.state == deadline.DEPASSEE:
        detail += " : échéance dépassée"
    detail += "." if cadre is None else f" ; {cadre.get_etat_display().lower()}."
    return EN_COURS, detail


def phase(dossier) -> str:
    conventions = _by_type(dossier)
    if _signed(conventions.get(ConventionType.CADRE)):
        from pvd.actions.models import FicheAction, Statut

        if FicheAction.objects.filter(dossier=dossier, statut__in=[Statut.EN_COURS, Statut.REALISE]).exists():
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
        Convention.objects.filter(dossier=dossier, type=ConventionType.AVENANT, etat=ConventionEtat.SIGNEE)
        .select_related("amende")
        .order_by("date_signature", "pk")
    ):
        dates.append((f"Signature de l'{str(avenant)[0].lower()}{str(avenant)[1:]}", avenant.date_signature))
    return dates
