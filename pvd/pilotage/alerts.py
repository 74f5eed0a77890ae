"""The alerts of a dossier: what is late or waits for an answer, each linking to its object.

One function per rule, each documented with its boundary, all reading the models directly.
`alerts_for(dossier_ids, access)` runs every rule over many dossiers in a fixed number of
queries (one per rule, whatever the number of dossiers and objects): the dossier home page
asks it for one dossier, the weekly digest for all the dossiers of a batch of users.

Confidential fiches (and what belongs to them: étapes, financing lines, indicators) only
reach who may see them: every rule starts from `FicheAction.objects.visible_to(access)`.

Indicators follow the one rule of their status (`pvd.suivi.status`, shown on their page): no
recent value after their frequency plus a month of grace, off target when « en retard ».

Fiches « closes » are those réalisées or abandonnées: they are never late, nor their étapes.
An abandoned fiche raises no alert at all (its indicators and requests are moot).

Each alert has a stable `key` (kind, object, the date that made it due): the digest sends an
alert once per user and key; when the date moves (a new end date, a new value) and the object
becomes late again, the key changes and the alert is new.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from pvd.actions.models import Etape, FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.conventions.models import Convention, ConventionEtat, ConventionType
from pvd.core.formatting import date_fr, montant, nombre
from pvd.dossiers import deadline
from pvd.gouvernance.models import Seance
from pvd.suivi import status
from pvd.suivi.models import Indicateur, Mesure

FICHE_EN_RETARD = "fiche_en_retard"
ETAPE_EN_RETARD = "etape_en_retard"
INDICATEUR_SANS_VALEUR = "indicateur_sans_valeur"
INDICATEUR_HORS_TRAJECTOIRE = "indicateur_hors_trajectoire"
FINANCEMENT_SANS_REPONSE = "financement_sans_reponse"
ECHEANCE_CADRE = "echeance_cadre"
COMPTE_RENDU_MANQUANT = "compte_rendu_manquant"

# In the order the page and the e-mail show them.
KINDS = {
    ECHEANCE_CADRE: "Échéance de la convention-cadre",
    FICHE_EN_RETARD: "Fiches action en retard",
    ETAPE_EN_RETARD: "Étapes en retard",
    FINANCEMENT_SANS_REPONSE: "Financements sans réponse depuis plus de 6 mois",
    INDICATEUR_SANS_VALEUR: "Indicateurs sans valeur récente",
    INDICATEUR_HORS_TRAJECTOIRE: "Indicateurs en dessous de leur trajectoire",
    COMPTE_RENDU_MANQUANT: "Séances sans compte rendu approuvé",
}

FICHES_CLOSES = (FicheStatut.REALISE, FicheStatut.ABANDONNE)
FINANCEMENT_DELAI_MOIS = 6
COMPTE_RENDU_DELAI_JOURS = 30


@dataclass(frozen=True)
class Alerte:
    kind: str
    key: str
    text: str
    objet: str
    url: str  # a path of the site (the digest makes it absolute)
    date: datetime.date  # the date that made it due
    dossier_id: int

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _visible_fiches(dossier_ids, access):
    return FicheAction.objects.visible_to(access).filter(dossier_id__in=dossier_ids)


def _fiche_url(fiche, anchor: str = "") -> str:
    url = reverse("actions:fiche", kwargs={"dossier_pk": fiche.dossier_id, "fiche_pk": fiche.pk})
    return f"{url}#{anchor}" if anchor else url


# --- The rules ---------------------------------------------------------------------------------


def fiches_en_retard(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """A fiche whose end date (`date_fin`) is before today and which is neither réalisée nor
    abandonnée. On its end date it is not late yet; the day after, it is."""
    fiches = (
        _visible_fiches(dossier_ids, access)
        .filter(date_fin__lt=today)
        .exclude(statut__in=FICHES_CLOSES)
        .order_by("date_fin", "numero")
    )
    return [
        Alerte(
            kind=FICHE_EN_RETARD,
            key=f"fiche-en-retard:{fiche.pk}:{fiche.date_fin.isoformat()}",
            text=f"Fiche {fiche.numero} « {fiche.titre} » : fin prévue le {date_fr(fiche.date_fin)}, "
            f"statut « {fiche.get_statut_display()} ».",
            objet=str(fiche),
            url=_fiche_url(fiche),
            date=fiche.date_fin,
            dossier_id=fiche.dossier_id,
        )
        for fiche in fiches
    ]


def etapes_en_retard(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """An étape not done (`faite` false) whose planned date is before today, on a fiche that is
    neither réalisée nor abandonnée. On its date it is not late yet."""
    etapes = (
        Etape.objects.filter(fiche__in=_visible_fiches(dossier_ids, access), faite=False, date__lt=today)
        .exclude(fiche__statut__in=FICHES_CLOSES)
        .select_related("fiche")
        .order_by("date", "pk")
    )
    return [
        Alerte(
            kind=ETAPE_EN_RETARD,
            key=f"etape-en-retard:{etape.pk}:{etape.date.isoformat()}",
            text=f"Étape « {etape.nom} » de la fiche {etape.fiche.numero} « {etape.fiche.titre} » : "
            f"prévue le {date_fr(etape.date)}, pas encore réalisée.",
            objet=etape.nom,
            url=_fiche_url(etape.fiche, "etapes"),
            date=etape.date,
            dossier_id=etape.fiche.dossier_id,
        )
        for etape in etapes
    ]


def financements_sans_reponse(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """A financing line still « sollicité » whose request date (`LigneFinancement.date_demande`)
    is more than 6 calendar months ago: requested before the
    same day 6 months ago (`deadline.add_months`, clamped to the month's end). A line without a
    date raises nothing (its age is unknown); nor does a line of an abandoned fiche."""
    cutoff = deadline.add_months(today, -FINANCEMENT_DELAI_MOIS)
    lignes = (
        LigneFinancement.objects.filter(
            fiche__in=_visible_fiches(dossier_ids, access),
            statut=StatutFinancement.SOLLICITE,
            date_demande__lt=cutoff,
        )
        .exclude(fiche__statut=FicheStatut.ABANDONNE)
        .select_related("fiche", "financeur")
        .order_by("date_demande", "pk")
    )
    return [
        Alerte(
            kind=FINANCEMENT_SANS_REPONSE,
            key=f"financement-sans-reponse:{ligne.pk}:{ligne.date_demande.isoformat()}",
            text=f"{montant(ligne.montant)} demandés à {ligne.financeur.nom} ({ligne.get_dispositif_display()}) le "
            f"{date_fr(ligne.date_demande)} pour la fiche {ligne.fiche.numero} « {ligne.fiche.titre} » : "
            "toujours sans réponse.",
            objet=str(ligne),
            url=_fiche_url(ligne.fiche, "financement"),
            date=ligne.date_demande,
            dossier_id=ligne.fiche.dossier_id,
        )
        for ligne in lignes
    ]


def indicateurs_suivis(dossier_ids, access):
    """The indicators of these dossiers that `access` sees (not those of an abandoned fiche), with
    the date and value of their latest measure: one query."""
    latest = Mesure.objects.filter(indicateur=OuterRef("pk")).order_by("-date")
    return (
        Indicateur.objects.visible_to(access)
        .filter(dossier_id__in=dossier_ids)
        .exclude(fiche__statut=FicheStatut.ABANDONNE)
        # Subqueries rather than Max(): no GROUP BY, the same SQL on SQLite and PostgreSQL.
        .annotate(
            derniere_date=Subquery(latest.values("date")[:1]), derniere_valeur=Subquery(latest.values("valeur")[:1])
        )
        .select_related("fiche")
        .order_by("nom", "pk")
    )


def _indicateur_url(indicateur) -> str:
    if indicateur.fiche_id:
        return _fiche_url(indicateur.fiche, "indicateurs")
    url = reverse("strategie:index", kwargs={"dossier_pk": indicateur.dossier_id})
    return f"{url}#axe-{indicateur.axe_id}" if indicateur.axe_id else url


def valeur_attendue_le(indicateur, today: datetime.date) -> datetime.date | None:
    """The last day a value of `indicateur` is still recent, by the one rule of the indicators'
    status (`pvd.suivi.status.duedate_fr`: its frequency plus a month of grace), counted from its
    latest measure, else its reference date, else its creation day; None for a « ponctuelle »
    indicator (no value expected at a rhythm). Reads `derniere_date` when annotated."""
    last = getattr(indicateur, "derniere_date", None)
    start = last or indicateur.date_initiale or timezone.localdate(indicateur.created_at)
    return status.duedate_fr(start, indicateur.frequence)


def is_sans_valeur_recente(indicateur, today: datetime.date) -> bool:
    """No recent value (`pvd.suivi.status.is_stale`): the due date (`valeur_attendue_le`) is before
    today. On the due date itself the indicator is still on time."""
    due = valeur_attendue_le(indicateur, today)
    return due is not None and due < today


def valeur_trajectoire(indicateur, on: datetime.date) -> Decimal | None:
    """The value on the straight line from the baseline to the target on day `on`
    (`pvd.suivi.status.expected_value`); None when the path is incomplete or has no length."""
    v0, d0, cible, d1 = indicateur.valeur_initiale, indicateur.date_initiale, indicateur.cible, indicateur.echeance
    if v0 is None or d0 is None or cible is None or d1 is None or d1 <= d0:
        return None
    return status.expected_value(valeur_initiale=v0, date_initiale=d0, cible=cible, echeance=d1, on=on)


def is_hors_trajectoire(indicateur) -> bool:
    """Off target: the status of the indicator (`pvd.suivi.status.etat`, the rule shown on its page)
    is « en retard » for its latest value, read on that value's date — behind the path from
    baseline to target beyond the rule's tolerance, or the échéance passed without reaching the
    target. Reads the `derniere_date` and `derniere_valeur` annotations."""
    value, on = getattr(indicateur, "derniere_valeur", None), getattr(indicateur, "derniere_date", None)
    if value is None or on is None:
        return False
    return status.etat_of(indicateur, (on, value), on).code == status.RETARD


def indicateurs_alerts(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """Both indicator rules over one query: no value for longer than its frequency
    (`is_sans_valeur_recente`), latest value behind its path (`is_hors_trajectoire`)."""
    alerts = []
    for indicateur in indicateurs_suivis(dossier_ids, access):
        url = _indicateur_url(indicateur)
        if is_sans_valeur_recente(indicateur, today):
            due = valeur_attendue_le(indicateur, today)
            last = indicateur.derniere_date
            since = f"dernière valeur du {date_fr(last)}" if last else "aucune valeur saisie"
            alerts.append(
                Alerte(
                    kind=INDICATEUR_SANS_VALEUR,
                    key=f"indicateur-sans-valeur:{indicateur.pk}:{due.isoformat()}",
                    text=f"Indicateur « {indicateur.nom} » ({indicateur.get_frequence_display().lower()}) : "
                    f"{since}, une nouvelle valeur était attendue le {date_fr(due)}.",
                    objet=str(indicateur),
                    url=url,
                    date=due,
                    dossier_id=indicateur.dossier_id,
                )
            )
        if is_hors_trajectoire(indicateur):
            on = indicateur.derniere_date
            expected = valeur_trajectoire(indicateur, on)
            alerts.append(
                Alerte(
                    kind=INDICATEUR_HORS_TRAJECTOIRE,
                    key=f"indicateur-hors-trajectoire:{indicateur.pk}:{on.isoformat()}",
                    text=f"Indicateur « {indicateur.nom} » : {nombre(indicateur.derniere_valeur)} "
                    f"{indicateur.unite} au {date_fr(on)}, pour {nombre(round(expected or indicateur.cible, 2))} "
                    f"{indicateur.unite} "
                    f"attendus sur la trajectoire vers la cible ({nombre(indicateur.cible)} au "
                    f"{date_fr(indicateur.echeance)}).",
                    objet=str(indicateur),
                    url=url,
                    date=on,
                    dossier_id=indicateur.dossier_id,
                )
            )
    return alerts


def echeance_cadre_alerts(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """The 18-month deadline of the convention-cadre (`pvd.dossiers.deadline`): an alert while it
    is near (from 3 months before the due date, « bientôt ») and another once it is past
    (« dépassée »), as long as the cadre is not signed. Résiliée conventions count as none."""
    rows = (
        Convention.objects.filter(dossier_id__in=dossier_ids, kind__in=[ConventionType.ADHESION, ConventionType.CADRE])
        .exclude(etat=ConventionEtat.RESILIEE)
        .values_list("dossier_id", "kind", "date_signature")
    )
    dates: dict[int, dict] = {}
    for dossier_id, kind, signed in rows:
        dates.setdefault(dossier_id, {})[kind] = signed
    alerts = []
    for dossier_id in sorted(dates):
        state = deadline.echeance(
            adhesion_signed_on=dates[dossier_id].get(ConventionType.ADHESION),
            cadre_signed_on=dates[dossier_id].get(ConventionType.CADRE),
            today=today,
        )
        if not (state.is_warning or state.is_overdue):
            continue
        if state.is_overdue:
            text = (
                f"La convention-cadre devait être signée au plus tard le {date_fr(state.due)} : "
                "l'échéance est dépassée."
            )
        else:
            days = state.days_left
            left = "c'est le dernier jour" if days == 0 else f"plus que {days} jour{'s' if days > 1 else ''}"
            text = f"La convention-cadre est à signer au plus tard le {date_fr(state.due)} : {left}."
        alerts.append(
            Alerte(
                kind=ECHEANCE_CADRE,
                key=f"echeance-cadre:{dossier_id}:{state.state}:{state.due.isoformat()}",
                text=text,
                objet="Convention-cadre",
                url=reverse("conventions:index", kwargs={"dossier_pk": dossier_id}),
                date=state.due,
                dossier_id=dossier_id,
            )
        )
    return alerts


def comptes_rendus_manquants(dossier_ids, access, today: datetime.date) -> list[Alerte]:
    """A séance held more than 30 days ago (its day in France at least 31 days before today)
    whose compte rendu is not approved: not written yet, or written but not approved."""
    tz = timezone.get_current_timezone()
    cutoff = datetime.datetime.combine(today - datetime.timedelta(days=COMPTE_RENDU_DELAI_JOURS), datetime.time())
    seances = (
        Seance.objects.filter(
            instance__dossier_id__in=dossier_ids,
            date__lt=timezone.make_aware(cutoff, tz),
            compte_rendu_approuve_le__isnull=True,
        )
        .select_related("instance")
        .order_by("date", "pk")
    )
    alerts = []
    for seance in seances:
        day = timezone.localdate(seance.date)
        missing = "approuvé" if seance.compte_rendu.strip() else "rédigé"
        alerts.append(
            Alerte(
                kind=COMPTE_RENDU_MANQUANT,
                key=f"compte-rendu-manquant:{seance.pk}:{day.isoformat()}",
                text=f"Séance « {seance.instance.nom} » du {date_fr(day)} : compte rendu pas encore {missing}.",
                objet=str(seance),
                url=reverse("gouvernance:seance", kwargs={"dossier_pk": seance.instance.dossier_id, "pk": seance.pk}),
                date=day,
                dossier_id=seance.instance.dossier_id,
            )
        )
    return alerts


RULES = [
    echeance_cadre_alerts,
    fiches_en_retard,
    etapes_en_retard,
    financements_sans_reponse,
    indicateurs_alerts,
    comptes_rendus_manquants,
]


def alerts_for(dossier_ids, access, *, today: datetime.date | None = None, rules=None) -> dict[int, list[Alerte]]:
    """{dossier pk: its alerts} for these dossiers as `access` sees them (access=None: no
    confidential fiche), in the order of `KINDS` then by date: one query per rule (`rules`,
    by default all of `RULES`)."""
    today = today or timezone.localdate()
    dossier_ids = list(dossier_ids)
    result: dict[int, list[Alerte]] = {pk: [] for pk in dossier_ids}
    if not dossier_ids:
        return result
    order = list(KINDS)
    for rule in RULES if rules is None else rules:
        for alerte in rule(dossier_ids, access, today):
            result[alerte.dossier_id].append(alerte)
    for alerts in result.values():
        alerts.sort(key=lambda a: (order.index(a.kind), a.date))
    return result


def dossier_alerts(dossier, access=None, *, today: datetime.date | None = None, rules=None) -> list[Alerte]:
    """The alerts of one dossier as `access` sees them."""
    return alerts_for([dossier.pk], access, today=today, rules=rules)[dossier.pk]


def grouped(alerts: list[Alerte], *, limit: int | None = None) -> list[dict]:
    """[{kind, label, alerts, more}] in the order of `KINDS`: at most `limit` alerts per kind,
    `more` counting the others."""
    groups = []
    for kind, label in KINDS.items():
        of_kind = [a for a in alerts if a.kind == kind]
        if of_kind:
            shown = of_kind[:limit] if limit else of_kind
            groups.append({"kind": kind, "label": label, "alerts": shown, "more": len(of_kind) - len(shown)})
    return groups


HOME_LIMIT = 3


def home_alerts(dossier, access) -> dict:
    """The « Alertes » block of the dossier home page (`optional_provider` of
    `pvd.dossiers.views.dossier_detail`): every alert `access` may see but the convention-cadre's
    deadline, which the page shows in its own alert just above; at most 3 per kind, the others
    counted and listed on the tableau de bord de suivi."""
    alerts = dossier_alerts(dossier, access, rules=[rule for rule in RULES if rule is not echeance_cadre_alerts])
    return {
        "groups": grouped(alerts, limit=HOME_LIMIT),
        "total": len(alerts),
        "dashboard_url": reverse("pilotage:tableau_de_bord", kwargs={"dossier_pk": dossier.pk}),
    }
