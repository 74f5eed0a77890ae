import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pvd.core.concurrency import claim_version

from .models import Consultation, Contribution, ContributionStatut, Moderation, PageParticipation


@transaction.atomic
def page_update(
    *, dossier, publiee: bool, titre: str, introduction: str = "", by, expected_version: int | None = None
) -> PageParticipation:
    """`expected_version`: the version the caller read, 0 when it read no page yet (refused if
    someone created it since; see pvd.core.concurrency)."""
    page, created = PageParticipation.objects.get_or_create(dossier=dossier)
    if expected_version == 0 and created:
        expected_version = page.version
    claim_version(page, expected_version)
    page.publiee, page.titre, page.introduction = publiee, titre, introduction
    page.full_clean()
    page.save()
    return page


def _check_targets(dossier, axe, fiche) -> None:
    if axe is not None and axe.dossier_id != dossier.pk:
        raise ValidationError({"axe": "Cet axe n'appartient pas au dossier."})
    # Open to participation: the fiches the public may see (`visible_to(None)`).
    if fiche is not None and (fiche.dossier_id != dossier.pk or not fiche.is_visible_to(None)):
        raise ValidationError({"fiche": "Cette fiche action n'est pas ouverte à la participation."})


@transaction.atomic
def consultation_create(
    *, dossier, question: str, ouverture, cloture, description: str = "", axe=None, fiche=None, by
) -> Consultation:
    _check_targets(dossier, axe, fiche)
    consultation = Consultation(
        dossier=dossier,
        question=question,
        description=description,
        ouverture=ouverture,
        cloture=cloture,
        axe=axe,
        fiche=fiche,
    )
    consultation.full_clean()
    consultation.save()
    return consultation


def rate_limit_address(ip: str) -> str:
    """What the rate limit counts: an IPv4 address as it is; an IPv6 address by its /64 network,
    since one home or one phone is given a whole /64 and picks any address in it at will (an
    IPv4-mapped IPv6 address counts as its IPv4 address). Anything unreadable, as it is."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _rate_key(ip: str) -> str:
    return f"participation:contributions:{rate_limit_address(ip)}"


def rate_limit_take(*, ip: str) -> str | None:
    """Take one of the address's PVD_CONTRIBUTION_RATE_LIMIT slots for the window; None when all
    are taken. Returns the slot, to give back with `rate_limit_release`.

    Check and count are one step: `cache.add` is atomic in every cache backend (the database
    cache relies on its unique key, where get-then-incr is not), so two simultaneous posts
    never both get the last slot. Each slot expires on its own, a window after it was taken.
    """
    window = settings.PVD_CONTRIBUTION_RATE_WINDOW
    for n in range(settings.PVD_CONTRIBUTION_RATE_LIMIT):
        slot = f"{_rate_key(ip)}:{n}"
        if cache.add(slot, 1, timeout=window):
            return slot
    return None


def rate_limit_release(slot: str) -> None:
    """Give back the slot of a form sent back for correction: only accepted contributions and
    robots (honeypot) count, so a resident who mistypes is not blocked."""
    cache.delete(slot)


@transaction.atomic
def contribution_submit(
    *,
    dossier,
    kind: str,
    texte: str,
    theme: str,
    auteur: str = "",
    email: str = "",
    consultation=None,
    axe=None,
    fiche=None,
) -> Contribution:
    page = PageParticipation.objects.filter(dossier=dossier, publiee=True).first()
    if page is None:
        raise ValidationError("La participation n'est pas ouverte pour ce dossier.")
    if consultation is not None and (
        consultation.dossier_id != dossier.pk or not consultation.is_open(timezone.localdate())
    ):
        raise ValidationError({"consultation": "Cette consultation n'est pas ouverte."})
    _check_targets(dossier, axe, fiche)
    contribution = Contribution(
        dossier=dossier,
        kind=kind,
        texte=texte.strip(),
        theme=theme,
        auteur=auteur.strip(),
        email=email,
        consultation=consultation,
        axe=axe,
        fiche=fiche,
    )
    contribution.full_clean()
    contribution.save()
    return contribution


def _log(contribution, action, by, motif=""):
    Moderation.objects.create(contribution=contribution, action=action, motif=motif, by=by)


@transaction.atomic
def contribution_publish(*, contribution: Contribution, by) -> Contribution:
    contribution.statut, contribution.motif_refus = ContributionStatut.PUBLIEE, ""
    contribution.moderated_by, contribution.moderee_le = by, timezone.now()
    contribution.full_clean()
    contribution.save()
    _log(contribution, "publication", by)
    return contribution


@transaction.atomic
def contribution_refuse(*, contribution: Contribution, motif: str, by) -> Contribution:
    if not motif.strip():
        raise ValidationError({"motif": "Indiquez le motif du refus."})
    contribution.statut, contribution.motif_refus = ContributionStatut.REFUSEE, motif.strip()
    contribution.moderated_by, contribution.moderee_le = by, timezone.now()
    contribution.full_clean()
    contribution.save()
    _log(contribution, "refus", by, motif)
    return contribution


@transaction.atomic
def contribution_answer(*, contribution: Contribution, reponse: str, by) -> Contribution:
    if not reponse.strip():
        raise ValidationError({"reponse": "La réponse est vide."})
    contribution.reponse = reponse.strip()
    contribution.answered_by, contribution.reponse_le = by, timezone.now()
    contribution.full_clean()
    contribution.save()
    _log(contribution, "reponse", by)
    return contribution
