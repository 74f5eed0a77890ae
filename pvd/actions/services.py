"""Every write of the plan d'action. History of a fiche is written here, not in signals."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pvd.core import formatting, limits
from pvd.core.concurrency import claim_version
from pvd.gouvernance.services import object_submit
from pvd.journal.history import history_m2m_set
from pvd.journal.services import corbeille_move
from pvd.territoires.models import OrganisationType
from pvd.territoires.selectors import organisation_key, organisations_by_name
from pvd.territoires.services import check_offered, organisation_get_or_create

from .models import (
    PIECE_EXTENSIONS,
    PIECE_MAX_SIZE,
    BudgetAnnuel,
    Etape,
    FicheAction,
    FicheHistory,
    LigneFinancement,
    Note,
    PieceJointe,
    StatutFinancement,
)

# The scalar fields a user edits on a fiche, in display order.
FICHE_FIELDS = [
    "numero",
    "titre",
    "contexte",
    "description",
    "objectifs",
    "maitre_ouvrage",
    "maitre_ouvrage_texte",
    "pilote",
    "commune",
    "secteur",
    "localisation",
    "latitude",
    "longitude",
    "statut",
    "maturite",
    "priorite",
    "date_debut",
    "date_fin",
    "cout_ht",
    "cout_ttc",
    "inscrite_crte",
    "confidentielle",
]
FICHE_M2M = ["axes", "partenaires"]
UNCHANGED = object()  # fiche_update's axe_principal when the caller leaves it as it is


def next_numero(dossier) -> int:
    return (FicheAction.objects.filter(dossier=dossier).aggregate(m=Max("numero"))["m"] or 0) + 1


def _display(fiche, name, value) -> str:
    if value is None or value == "":
        return ""
    field = FicheAction._meta.get_field(name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if hasattr(value, "strftime"):
        return formatting.date_fr(value)
    if name.startswith("cout_"):
        return formatting.montant(value, True)
    if isinstance(value, Decimal):  # latitude, longitude: "47,862", not "47.862000"
        return formatting.nombre(value)
    return str(value)


def _m2m_display(objects) -> str:
    return ", ".join(sorted(str(obj) for obj in objects))


def _log(fiche, by, champ, ancien, nouveau):
    FicheHistory.objects.create(fiche=fiche, by=by, champ=champ, ancien=ancien, nouveau=nouveau)


def _check_secteur(dossier, secteur):
    if secteur is not None and secteur.dossier_id != dossier.pk:
        raise ValidationError({"secteur": "Ce secteur d'intervention n'appartient pas au dossier."})


def _check_axes(dossier, axes):
    for axe in axes:
        if axe.dossier_id != dossier.pk:
            raise ValidationError({"axes": "Cet axe n'appartient pas au dossier."})


def _check_axe_principal(axe_principal, axes) -> None:
    if axe_principal is not None and axe_principal.pk not in {axe.pk for axe in axes}:
        raise ValidationError({"axe_principal": "L'axe principal doit être l'un des axes cochés de la fiche."})


def _axe_label(axe) -> str:
    return str(axe) if axe is not None else ""


def _with_new_partners(dossier, partenaires, nouveaux_partenaires) -> list | None:
    """The chosen partners plus the typed names, each found among the dossier's organisations
    or created in the dossier (same transaction)."""
    check_offered(dossier=dossier, organisations=partenaires or (), field="partenaires")
    noms = [nom.strip() for nom in nouveaux_partenaires if nom.strip()]
    if not noms:
        return partenaires
    existing = organisations_by_name(noms, dossier=dossier)
    chosen = list(partenaires or ())
    for nom in noms:
        organisation = existing.get(organisation_key(nom))
        if organisation is None:
            organisation = organisation_get_or_create(nom=nom, kind=OrganisationType.AUTRE, dossier=dossier)
            existing[organisation_key(nom)] = organisation
        if organisation not in chosen:
            chosen.append(organisation)
    return chosen


def _find_or_create_funder(dossier, nom: str, type_financeur: str):
    """A typed funder: the organisation offered to the dossier of that name whatever its type or
    capitals, else a new organisation of the dossier."""
    existing = organisations_by_name([nom], dossier=dossier).get(organisation_key(nom))
    return existing or organisation_get_or_create(
        nom=nom, kind=type_financeur or OrganisationType.AUTRE, dossier=dossier
    )


@transaction.atomic
def fiche_create(
    *,
    dossier,
    by,
    titre: str,
    axes=(),
    axe_principal=None,
    partenaires=(),
    nouveaux_partenaires=(),
    numero: int | None = None,
    **fields,
) -> FicheAction:
    """`axe_principal`: one of `axes`, or None (the first axe then, see AXE_PRINCIPAL_RULE)."""
    unknown = set(fields) - set(FICHE_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    _check_secteur(dossier, fields.get("secteur"))
    check_offered(dossier=dossier, organisations=[fields.get("maitre_ouvrage")], field="maitre_ouvrage")
    _check_axes(dossier, axes)
    _check_axe_principal(axe_principal, axes)
    fiche = FicheAction(
        dossier=dossier, titre=titre, numero=numero or next_numero(dossier), axe_principal=axe_principal, **fields
    )
    fiche.full_clean()
    fiche.save()
    history_m2m_set(fiche, axes=axes, partenaires=_with_new_partners(dossier, partenaires, nouveaux_partenaires))
    _log(fiche, by, "création", "", str(fiche))
    return fiche


@transaction.atomic
def fiche_update(
    *,
    fiche: FicheAction,
    by,
    axes=None,
    axe_principal=UNCHANGED,
    partenaires=None,
    nouveaux_partenaires=(),
    expected_version: int | None = None,
    **fields,
) -> FicheAction:
    """`axes`/`partenaires` None: unchanged. `axe_principal`: one of the fiche's axes (after the
    change), or None for the default rule; left out, it is kept while it stays among the axes
    and emptied (the default rule then) when the new axes leave it out. `expected_version`: the
    version the caller read (StaleVersion if the fiche changed since, see pvd.core.concurrency)."""
    unknown = set(fields) - set(FICHE_FIELDS)
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    claim_version(fiche, expected_version)
    if "secteur" in fields:
        _check_secteur(fiche.dossier, fields["secteur"])
    # Read the stored values: a ModelForm may already have set the new ones on `fiche`.
    stored = FicheAction.objects.select_related("axe_principal").get(pk=fiche.pk)
    if fields.get("maitre_ouvrage") is not None and fields["maitre_ouvrage"].pk != stored.maitre_ouvrage_id:
        check_offered(dossier=fiche.dossier, organisations=[fields["maitre_ouvrage"]], field="maitre_ouvrage")
    before = {name: getattr(stored, name) for name in fields}
    new_axes = list(fiche.axes.all()) if axes is None else list(axes)
    if axes is not None:
        _check_axes(fiche.dossier, new_axes)
    if axe_principal is UNCHANGED:
        axe_principal = stored.axe_principal
        if axe_principal is not None and axe_principal.pk not in {axe.pk for axe in new_axes}:
            axe_principal = None
    _check_axe_principal(axe_principal, new_axes)
    fiche.axe_principal = axe_principal
    for name, value in fields.items():
        setattr(fiche, name, value)
    fiche.full_clean()
    fiche.save()
    for name, value in fields.items():
        old, new = _display(fiche, name, before[name]), _display(fiche, name, value)
        if old != new:
            _log(fiche, by, str(FicheAction._meta.get_field(name).verbose_name), old, new)
    if _axe_label(stored.axe_principal) != _axe_label(axe_principal):
        _log(fiche, by, "axe principal", _axe_label(stored.axe_principal), _axe_label(axe_principal))
    if nouveaux_partenaires and partenaires is None:
        partenaires = list(fiche.partenaires.all())
    partenaires = _with_new_partners(fiche.dossier, partenaires, nouveaux_partenaires)
    for name, value in (("axes", axes), ("partenaires", partenaires)):
        if value is None:
            continue
        if name == "axes":
            _check_axes(fiche.dossier, value)
        old = _m2m_display(getattr(fiche, name).all())
        history_m2m_set(fiche, **{name: value})
        new = _m2m_display(value)
        if old != new:
            _log(fiche, by, name, old, new)
    return fiche


@transaction.atomic
def fiche_publication(*, fiche: FicheAction, by, publiee: bool) -> FicheAction:
    """Put the fiche on the national open-data page (or take it off), in its history. A
    confidential fiche is never published (also a constraint of the model)."""
    fiche = FicheAction.objects.select_for_update().get(pk=fiche.pk)
    if publiee and fiche.confidentielle:
        raise ValidationError("Une fiche confidentielle ne peut pas être publiée en données ouvertes.")
    if fiche.publiee == publiee:
        return fiche
    claim_version(fiche)
    fiche.publiee = publiee
    fiche.full_clean()
    fiche.save(update_fields=["publiee", "updated_at"])
    _log(fiche, by, "publication en données ouvertes", "oui" if not publiee else "non", "oui" if publiee else "non")
    return fiche


@transaction.atomic
def fiche_delete(*, fiche: FicheAction, by) -> None:
    """Move a fiche to the dossier's bin (with its lines, attachments and their files), unless the
    comité de projet has decided on it (the gouvernance's one rule: `decidable_delete_check`; a
    pending submission goes with the fiche)."""
    from pvd.gouvernance.services import decidable_delete_check

    decidable_delete_check(target=fiche)
    corbeille_move(instance=fiche, by=by, label=fiche.titre)


@transaction.atomic
def fiche_submit(*, fiche: FicheAction, by):
    point = object_submit(
        dossier=fiche.dossier,
        target=fiche,
        titre=f"Fiche action n° {fiche.numero} : {fiche.titre}",
        description=fiche.description,
        by=by,
    )
    _log(fiche, by, "validation", "", "Soumise au comité de projet")
    return point


def _ligne_label(ligne) -> str:
    amount = formatting.montant(ligne.montant, True)
    return f"{ligne.financeur} / {ligne.get_dispositif_display()} / {amount} ({ligne.get_statut_display()})"


@transaction.atomic
def ligne_financement_create(
    *,
    fiche: FicheAction,
    by,
    financeur=None,
    nouveau_financeur: str = "",
    type_financeur: str = "",
    dispositif: str,
    montant: Decimal,
    statut: str,
    date=None,
    date_demande=None,
    date_decision=None,
) -> LigneFinancement:
    """A financing line; `nouveau_financeur` (a name) creates the funder if needed, in the same
    transaction: a refused line leaves no new organisation behind. `date` (the import's single
    « Date » column) is the request's date of a sollicité line, else the decision's (DATE_RULE)."""
    if financeur is None:
        if not (nouveau_financeur or "").strip():
            raise ValidationError({"financeur": "Choisissez un financeur ou saisissez-en un nouveau."})
        financeur = _find_or_create_funder(fiche.dossier, nouveau_financeur, type_financeur)
    check_offered(dossier=fiche.dossier, organisations=[financeur], field="financeur")
    date_demande, date_decision = _split_date(statut, date, date_demande, date_decision)
    ligne = LigneFinancement(
        fiche=fiche,
        financeur=financeur,
        dispositif=dispositif,
        montant=montant,
        statut=statut,
        date_demande=date_demande,
        date_decision=date_decision,
    )
    if montant is not None and montant < 0:
        raise ValidationError({"montant": "Le montant ne peut pas être négatif."})
    ligne.full_clean()
    ligne.save()
    _log(fiche, by, "financement ajouté", "", _ligne_label(ligne))
    return ligne


LIGNE_FIELDS = {"financeur", "dispositif", "montant", "statut", "date_demande", "date_decision", "date"}
# Said where the single date of a line is read or written (import, export, migration 0009).
DATE_RULE = "Date unique d'une ligne : celle de la demande si elle est sollicitée, sinon celle de la décision."
STATE_LOCK_MESSAGE = (
    "La décision de l'État sur cette ligne est enregistrée : son statut et son montant ne peuvent plus "
    "être modifiés par l'équipe-projet."
)


def _split_date(statut, date, date_demande, date_decision):
    if date is not None:
        if statut == StatutFinancement.SOLLICITE:
            date_demande = date_demande or date
        else:
            date_decision = date_decision or date
    return date_demande, date_decision


def _check_state_lock(ligne: LigneFinancement, fields: dict) -> None:
    """The team's edits of a line the State decided: statut and amount stay the State's."""
    if not ligne.decidee_par_etat:
        return
    changed = [name for name in ("statut", "montant") if name in fields and fields[name] != getattr(ligne, name)]
    if changed:
        raise ValidationError(dict.fromkeys(changed, STATE_LOCK_MESSAGE))


@transaction.atomic
def ligne_financement_update(
    *,
    ligne: LigneFinancement,
    by,
    nouveau_financeur: str = "",
    type_financeur: str = "",
    expected_version: int | None = None,
    **fields,
) -> LigneFinancement:
    """Any field of a line, with the same checks as its creation (negative amount, the same
    funder and scheme twice); `nouveau_financeur` names a funder to find or create.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(fields) - LIGNE_FIELDS
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    claim_version(ligne, expected_version)
    if fields.get("financeur") is None and (nouveau_financeur or "").strip():
        fields["financeur"] = _find_or_create_funder(ligne.fiche.dossier, nouveau_financeur, type_financeur)
    elif "financeur" in fields and fields["financeur"] is None:
        raise ValidationError({"financeur": "Choisissez un financeur ou saisissez-en un nouveau."})
    if fields.get("financeur") is not None and fields["financeur"].pk != ligne.financeur_id:
        check_offered(dossier=ligne.fiche.dossier, organisations=[fields["financeur"]], field="financeur")
    if fields.get("montant") is not None and fields["montant"] < 0:
        raise ValidationError({"montant": "Le montant ne peut pas être négatif."})
    _check_state_lock(ligne, fields)
    if "date" in fields:
        date = fields.pop("date")
        statut = fields.get("statut", ligne.statut)
        fields["date_demande"], fields["date_decision"] = _split_date(
            statut, date, fields.get("date_demande", ligne.date_demande), fields.get("date_decision")
        )
    old = _ligne_label(ligne)
    for name, value in fields.items():
        setattr(ligne, name, value)
    ligne.full_clean()
    ligne.save()
    new = _ligne_label(ligne)
    if old != new:
        _log(ligne.fiche, by, "financement modifié", old, new)
    return ligne


@transaction.atomic
def ligne_financement_delete(*, ligne: LigneFinancement, by) -> None:
    if ligne.decidee_par_etat:
        raise ValidationError(
            "La décision de l'État sur cette ligne est enregistrée : l'équipe-projet ne peut pas la supprimer."
        )
    _log(ligne.fiche, by, "financement supprimé", _ligne_label(ligne), "")
    corbeille_move(instance=ligne, by=by, label=_ligne_label(ligne))


@transaction.atomic
def ligne_financement_verser(
    *, ligne: LigneFinancement, by, montant_verse: Decimal, date_versement
) -> LigneFinancement:
    """Mark a line paid: the amount actually received (an accordé line only, at most its
    amount) and its date. Marked again, it replaces the previous figures (a second payment
    is entered as the new total received)."""
    if ligne.statut != StatutFinancement.ACCORDE:
        raise ValidationError({"montant_verse": "Seule une ligne accordée peut être marquée versée."})
    if montant_verse is None:
        raise ValidationError({"montant_verse": "Indiquez le montant versé."})
    if montant_verse < 0:
        raise ValidationError({"montant_verse": "Le montant versé ne peut pas être négatif."})
    if montant_verse > ligne.montant:
        raise ValidationError(
            {
                "montant_verse": "Le montant versé ne peut pas dépasser le montant accordé "
                f"({formatting.montant(ligne.montant, True)})."
            }
        )
    if date_versement is None:
        raise ValidationError({"date_versement": "Indiquez la date du versement."})
    old = _versement_label(ligne)
    claim_version(ligne)
    ligne.montant_verse, ligne.date_versement = montant_verse, date_versement
    ligne.full_clean()
    ligne.save(update_fields=["montant_verse", "date_versement"])
    _log(
        ligne.fiche,
        by,
        f"versement ({ligne.financeur} / {ligne.get_dispositif_display()})",
        old,
        _versement_label(ligne),
    )
    return ligne


def _versement_label(ligne) -> str:
    if ligne.montant_verse is None:
        return ""
    return f"{formatting.montant(ligne.montant_verse, True)} versés le {formatting.date_fr(ligne.date_versement)}"


@transaction.atomic
def ligne_financement_decider(
    *, ligne: LigneFinancement, by, access, statut: str, montant: Decimal | None, date_decision
) -> LigneFinancement:
    """The State's decision on a line it instructs (DISPOSITIFS_ETAT), recorded by the
    préfecture of the dossier's département or ANCT (`financement.decide`): accordé with its
    amount, or refusé (the amount asked stays). Who decided and when is kept on the line and
    in the fiche's history; from then on the team no longer changes statut nor amount."""
    access.require("financement.decide")
    if not ligne.instruite_par_etat:
        raise ValidationError(
            f"Le dispositif « {ligne.get_dispositif_display()} » n'est pas instruit par l'État : "
            "seules les lignes DETR, DSIL et Fonds vert reçoivent sa décision ici."
        )
    if statut not in (StatutFinancement.ACCORDE, StatutFinancement.REFUSE):
        raise ValidationError({"statut": "La décision est « accordé » ou « refusé »."})
    if date_decision is None:
        raise ValidationError({"date_decision": "Indiquez la date de la décision."})
    if statut == StatutFinancement.ACCORDE:
        if montant is None:
            raise ValidationError({"montant": "Indiquez le montant accordé."})
        if montant < 0:
            raise ValidationError({"montant": "Le montant ne peut pas être négatif."})
    else:
        montant = ligne.montant
    if ligne.montant_verse is not None and (statut != StatutFinancement.ACCORDE or montant < ligne.montant_verse):
        raise ValidationError(
            {"statut": f"Cette ligne a déjà reçu un versement de {formatting.montant(ligne.montant_verse, True)}."}
        )
    old = _ligne_label(ligne)
    claim_version(ligne)
    ligne.statut, ligne.montant, ligne.date_decision = statut, montant, date_decision
    ligne.decision_etat_par, ligne.decision_etat_le = by, timezone.now()
    ligne.decision_etat_role = access.role_label
    ligne.full_clean()
    ligne.save()
    _log(
        ligne.fiche,
        by,
        f"décision de l'État ({access.role_label})",
        old,
        f"{_ligne_label(ligne)}, décidée le {formatting.date_fr(date_decision)}",
    )
    return ligne


def _budget_label(investissement, fonctionnement, realise_investissement=None, realise_fonctionnement=None) -> str:
    """ "12 345,00 € inv. / 0,50 € fonct.", as the history shows a yearly budget (then what
    was spent, when entered)."""
    label = f"{formatting.montant(investissement, True)} inv. / {formatting.montant(fonctionnement, True)} fonct."
    if realise_investissement is not None or realise_fonctionnement is not None:
        spent = [
            f"{formatting.montant(value, True)} {part}" if value is not None else f"non renseigné {part}"
            for value, part in ((realise_investissement, "inv."), (realise_fonctionnement, "fonct."))
        ]
        label += f" ; réalisé : {' / '.join(spent)}"
    return label


@transaction.atomic
def budget_set(
    *,
    fiche: FicheAction,
    by,
    annee: int,
    investissement: Decimal,
    fonctionnement: Decimal,
    realise_investissement: Decimal | None = None,
    realise_fonctionnement: Decimal | None = None,
) -> BudgetAnnuel:
    """The planned budget of a year and what was actually spent (None: « non renseigné »)."""
    budget = BudgetAnnuel.objects.filter(fiche=fiche, annee=annee).first() or BudgetAnnuel(fiche=fiche, annee=annee)
    old = (
        ""
        if budget.pk is None
        else _budget_label(
            budget.investissement, budget.fonctionnement, budget.realise_investissement, budget.realise_fonctionnement
        )
    )
    budget.investissement, budget.fonctionnement = investissement, fonctionnement
    budget.realise_investissement, budget.realise_fonctionnement = realise_investissement, realise_fonctionnement
    budget.full_clean(validate_unique=False)
    budget.save()
    new = _budget_label(investissement, fonctionnement, realise_investissement, realise_fonctionnement)
    _log(fiche, by, f"budget {annee}", old, new)
    return budget


@transaction.atomic
def etape_create(*, fiche: FicheAction, by, nom: str, date, faite: bool = False) -> Etape:
    etape = Etape(fiche=fiche, nom=nom, date=date, faite=faite)
    etape.full_clean()
    etape.save()
    _log(fiche, by, "étape ajoutée", "", f"{nom} ({formatting.date_fr(date)})")
    return etape


@transaction.atomic
def etape_toggle(*, etape: Etape, by) -> Etape:
    etape.faite = not etape.faite
    etape.save(update_fields=["faite"])
    _log(etape.fiche, by, f"étape « {etape.nom} »", "", "réalisée" if etape.faite else "à faire")
    return etape


@transaction.atomic
def etape_delete(*, etape: Etape, by) -> None:
    _log(etape.fiche, by, "étape supprimée", f"{etape.nom} ({formatting.date_fr(etape.date)})", "")
    corbeille_move(instance=etape, by=by, label=etape.nom)


@transaction.atomic
def budget_delete(*, budget: BudgetAnnuel, by) -> None:
    _log(
        budget.fiche,
        by,
        f"budget {budget.annee}",
        _budget_label(budget.investissement, budget.fonctionnement),
        "",
    )
    corbeille_move(instance=budget, by=by, label=f"Budget {budget.annee} de la fiche « {budget.fiche.titre} »")


def _note_label(note: Note) -> str:
    texte = note.texte if len(note.texte) <= 80 else note.texte[:79] + "…"
    return f"{formatting.date_fr(note.date)} : {texte}"


@transaction.atomic
def note_delete(*, note: Note, by, access) -> None:
    """Only the note's author, or the chef de projet, deletes a note (`Note.deletable_by`)."""
    if not note.deletable_by(access, by):
        raise PermissionDenied("Seul l'auteur de la note ou le chef de projet peut la supprimer.")
    _log(note.fiche, by, "note supprimée", _note_label(note), "")
    corbeille_move(instance=note, by=by, label=_note_label(note))


@transaction.atomic
def note_create(*, fiche: FicheAction, by, date, texte: str) -> Note:
    note = Note(fiche=fiche, auteur=by, date=date, texte=texte)
    note.full_clean()
    note.save()
    _log(fiche, by, "note ajoutée", "", _note_label(note))
    return note


@transaction.atomic
def piece_add(*, fiche: FicheAction, by, titre: str, file) -> PieceJointe:
    try:
        limits.check_upload(file, allowed=PIECE_EXTENSIONS, max_bytes=PIECE_MAX_SIZE)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    piece = PieceJointe(fiche=fiche, titre=titre, file=file, added_by=by)
    piece.full_clean()
    piece.save()
    _log(fiche, by, "pièce jointe ajoutée", "", titre)
    return piece


@transaction.atomic
def indicateur_create(*, fiche: FicheAction, by, **fields):
    """An indicator of the fiche: the rules are suivi's (`pvd.suivi.services`), the history is ours."""
    from pvd.suivi import services as suivi_services

    indicateur = suivi_services.indicateur_create(dossier=fiche.dossier, fiche=fiche, by=by, **fields)
    _log(fiche, by, "indicateur ajouté", "", indicateur.nom)
    return indicateur


@transaction.atomic
def indicateur_update(*, indicateur, by, expected_version: int | None = None, **fields):
    """The rules are suivi's; the history is ours. `indicateur` must hang on a fiche.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    from pvd.suivi import services as suivi_services

    old = indicateur.nom
    indicateur = suivi_services.indicateur_update(
        indicateur=indicateur, by=by, expected_version=expected_version, **fields
    )
    _log(indicateur.fiche, by, "indicateur modifié", old, indicateur.nom)
    return indicateur


@transaction.atomic
def indicateur_delete(*, indicateur, by) -> None:
    """Refused by suivi once the indicator has measures."""
    from pvd.suivi import services as suivi_services

    fiche, nom = indicateur.fiche, indicateur.nom
    suivi_services.indicateur_delete(indicateur=indicateur, by=by)
    _log(fiche, by, "indicateur supprimé", nom, "")


@transaction.atomic
def piece_delete(*, piece: PieceJointe, by) -> None:
    """To the dossier's bin: its file stays until the bin is emptied (`vider_corbeille`)."""
    _log(piece.fiche, by, "pièce jointe supprimée", piece.titre, "")
    corbeille_move(instance=piece, by=by, label=piece.titre)
