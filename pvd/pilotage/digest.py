"""The weekly digest: one e-mail per user listing the new alerts of their dossiers.

Who receives it: the active members of a dossier whose role holds `pilotage.digest` (the chef de
projet and the équipe-projet), of dossiers not closed, who did not turn it off
(`User.digest_hebdo`, page « Mes préférences »). An alert is new for a user while its key is not
in `AlerteEnvoyee` for that user: it is recorded in the same transaction as the sending, so a
failed sending leaves it new for next week and two runs at once cannot both send it (the second
meets the unique constraint and sends nothing).

Run weekly by `manage.py envoyer_digest` (cron) or the django-tasks task
`pvd.pilotage.tasks.envoyer_digest`; both call `send_digests`. Links are absolute, from the
`PVD_BASE_URL` setting. Queries: a fixed number per batch of users (the alerts of every dossier
of the batch, one query per rule and per role) plus two per user who gets an e-mail.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pvd.comptes.models import User
from pvd.dossiers.models import Dossier, Membre, Role
from pvd.dossiers.perms import Access

from .alerts import alerts_for, grouped
from .models import AlerteEnvoyee

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def digest_roles() -> list[str]:
    """The membership roles that receive the digest: those holding `pilotage.digest`."""
    return [role for role in Role.values if Access(role).can("pilotage.digest")]


@dataclass
class DigestReport:
    sent: int = 0
    alerts: int = 0
    failed: list[str] = field(default_factory=list)


def _recipients():
    """(user pk, dossier pk, role) of every membership that receives the digest."""
    return (
        Membre.objects.filter(
            role__in=digest_roles(),
            user__is_active=True,
            user__digest_hebdo=True,
            dossier__cloture_le__isnull=True,
        )
        .order_by("user_id", "dossier_id")
        .values_list("user_id", "dossier_id", "role")
    )


def _batches(rows, size):
    """Lists of rows of at most `size` users each (a user's rows stay together)."""
    batch, users = [], set()
    for row in rows:
        if row[0] not in users and len(users) >= size:
            yield batch
            batch, users = [], set()
        users.add(row[0])
        batch.append(row)
    if batch:
        yield batch


def send_digests(*, today=None, base_url: str | None = None, batch_size: int = BATCH_SIZE) -> DigestReport:
    """Send every user their digest of new alerts; returns how many e-mails and alerts went."""
    today = today or timezone.localdate()
    base_url = (base_url or settings.PVD_BASE_URL).rstrip("/")
    if not base_url:
        raise ValueError("L'adresse du site manque : réglez PVD_BASE_URL (par exemple https://pvd.exemple.fr).")
    report = DigestReport()
    connection = get_connection()
    for batch in _batches(_recipients(), batch_size):
        _send_batch(batch, today=today, base_url=base_url, connection=connection, report=report)
    return report


def _send_batch(rows, *, today, base_url, connection, report):
    dossiers_by_role: dict[str, set[int]] = defaultdict(set)
    for _user_id, dossier_id, role in rows:
        dossiers_by_role[role].add(dossier_id)
    # The alerts as each role sees them (the same for chef and équipe today, but a role's
    # confidentiality is its own): one query per rule and per role, whatever the dossiers.
    alerts_by_role = {
        role: alerts_for(sorted(ids), Access(role), today=today) for role, ids in dossiers_by_role.items()
    }
    user_ids = {row[0] for row in rows}
    users = User.objects.in_bulk(user_ids)
    dossiers = Dossier.objects.in_bulk({row[1] for row in rows})
    sent_keys: dict[int, set[str]] = defaultdict(set)
    for user_id, key in AlerteEnvoyee.objects.filter(user_id__in=user_ids).values_list("user_id", "key"):
        sent_keys[user_id].add(key)
    by_user: dict[int, list] = defaultdict(list)
    for user_id, dossier_id, role in rows:
        new = [a for a in alerts_by_role[role][dossier_id] if a.key not in sent_keys[user_id]]
        if new:
            by_user[user_id].append((dossiers[dossier_id], new))
    for user_id, sections in by_user.items():
        _send_one(users[user_id], sections, base_url=base_url, connection=connection, report=report)


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url}{path}"


def build_message(user, sections, *, base_url: str, connection=None) -> EmailMultiAlternatives:
    """The e-mail of `sections` ([(dossier, [new alerts])]), in plain text and simple HTML."""
    count = sum(len(alerts) for _dossier, alerts in sections)
    context = {
        "user": user,
        "count": count,
        "site_title": settings.PVD_BRANDING["site_title"],
        "dossiers": [
            {
                "dossier": dossier,
                "url": _absolute(base_url, reverse("pilotage:tableau_de_bord", kwargs={"dossier_pk": dossier.pk})),
                "groups": [
                    {
                        **group,
                        "alerts": [{"alerte": a, "url": _absolute(base_url, a.url)} for a in group["alerts"]],
                    }
                    for group in grouped(alerts)
                ],
            }
            for dossier, alerts in sections
        ],
        "preferences_url": _absolute(base_url, reverse("comptes:preferences")),
    }
    plural = "s" if count > 1 else ""
    subject = f"{context['site_title']} : {count} nouvelle{plural} alerte{plural} sur vos dossiers"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("pilotage/alertes_digest.txt", context),
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("pilotage/alertes_digest.html", context), "text/html")
    return message


def _send_one(user, sections, *, base_url, connection, report):
    message = build_message(user, sections, base_url=base_url, connection=connection)
    rows = [AlerteEnvoyee(user=user, dossier=dossier, key=a.key) for dossier, alerts in sections for a in alerts]
    try:
        with transaction.atomic():
            AlerteEnvoyee.objects.bulk_create(rows)
            message.send()
    except IntegrityError:
        # Another run recorded (and sent) some of these alerts meanwhile: nothing sent now.
        logger.warning("Récapitulatif de %s : alertes déjà envoyées par un autre envoi.", user.email)
        return
    except (smtplib.SMTPException, OSError) as error:
        logger.error("Récapitulatif de %s non envoyé : %s", user.email, error)
        report.failed.append(user.email)
        return
    report.sent += 1
    report.alerts += len(rows)
