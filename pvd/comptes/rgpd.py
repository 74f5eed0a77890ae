"""Personal data (RGPD): the register of what the platform keeps and why, what a user downloads
of their own data, and the anonymisation of a closed account.

One source of truth: `TRAITEMENTS` is rendered as the public page « Données personnelles »
(`comptes:donnees_personnelles`) and as `docs/registre-rgpd.md` (`manage.py registre_rgpd`),
which a test compares with this module. Retention periods are read from the settings, so the
page says what the platform really does.

The download (`personal_data`) follows the model graph: every ForeignKey to the user model is
declared in `EXPORT` (or is the author field of an audit-trail model, recognised as such), and
a test fails when a new one is missing, so that someone decides what of it a user receives
(never a token nor a secret key).

comptes is a low layer: the higher apps' models are named here by their labels (strings read
from the app registry), never imported.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from . import double_facteur

# --- The register -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Traitement:
    nom: str
    personnes: str  # whose data
    donnees: tuple[str, ...]  # which data
    finalite: str  # what for
    base_legale: str
    destinataires: str  # who sees it
    conservation: str  # how long it is kept (`{…}` placeholders read from the settings)
    lieu: str  # where it is stored (models)


def _days(setting: str, default: int | None = None) -> str:
    value = getattr(settings, setting, default)
    if value is None:
        return ""
    years, rest = divmod(int(value), 365)
    if rest == 0 and years:
        return f"{value} jours ({years} an{'s' if years > 1 else ''})"
    return f"{value} jours"


def retention_values() -> dict[str, str]:
    """The values of the placeholders of `Traitement.conservation`."""
    historique = _days("PVD_CONSERVATION_JOURNAL_JOURS")
    return {
        "contributions": _days("PVD_CONSERVATION_CONTRIBUTIONS_JOURS"),
        "historique": (
            f"Effacé {historique} après la modification (commande `appliquer_conservation`)"
            if historique
            else "Tant que le dossier existe"
        ),
    }


MISSION = (
    "Mission d'intérêt public (article 6.1.e du RGPD) : accompagnement des communes du programme "
    "Petites villes de demain par l'État et ses opérateurs."
)

TRAITEMENTS: tuple[Traitement, ...] = (
    Traitement(
        nom="Comptes des utilisateurs",
        personnes="Agents des collectivités, des services de l'État et des partenaires invités sur la plateforme.",
        donnees=(
            "adresse électronique",
            "prénom et nom",
            "organisation",
            "périmètre État (préfecture, ANCT) et département",
            "mot de passe (empreinte chiffrée, jamais lisible)",
            "date d'inscription et de dernière connexion",
            "préférence d'envoi du récapitulatif hebdomadaire",
        ),
        finalite="Se connecter, être reconnu comme auteur de ce qu'on saisit, recevoir les invitations "
        "et les récapitulatifs.",
        base_legale=MISSION,
        destinataires="Les membres des dossiers dont la personne est membre (nom, adresse électronique), les "
        "services de l'État qui suivent ces dossiers, les administrateurs de la plateforme.",
        conservation="Tant que le compte est ouvert ; à la fermeture du compte (page « Mes préférences »), "
        "nom et adresse sont remplacés par « Compte fermé n° … » et le compte ne peut plus servir.",
        lieu="`comptes.User`",
    ),
    Traitement(
        nom="Membres des dossiers et invitations",
        personnes="Utilisateurs membres d'un dossier, personnes invitées.",
        donnees=(
            "rôle dans le dossier",
            "adresse électronique de la personne invitée",
            "qui a envoyé l'invitation, quand, quand elle a été acceptée",
            "demandes d'ouverture de dossier (demandeur, message, décision)",
        ),
        finalite="Donner à chacun l'accès qui lui revient dans chaque dossier.",
        base_legale=MISSION,
        destinataires="Le chef de projet du dossier (liste des membres et invitations), les services de "
        "l'État (désignation du chef de projet, demandes d'ouverture).",
        conservation="Tant que le dossier existe ; l'adhésion est retirée à la fermeture du compte, "
        "une invitation expire au bout de 30 jours.",
        lieu="`dossiers.Membre`, `dossiers.Invitation`, `dossiers.DemandeDossier`",
    ),
    Traitement(
        nom="Auteurs des contenus des dossiers",
        personnes="Utilisateurs qui saisissent des données dans un dossier.",
        donnees=(
            "nom de l'auteur d'une note, d'une valeur d'indicateur, d'une décision, d'un avis de l'État, "
            "d'un document, d'une version du projet de territoire",
            "date de la saisie",
        ),
        finalite="Savoir qui a saisi quoi dans le pilotage d'un projet financé sur fonds publics.",
        base_legale=MISSION,
        destinataires="Les personnes qui voient le dossier, selon leur rôle.",
        conservation="Tant que le dossier existe ; après la fermeture d'un compte, ses saisies restent "
        "sous le nom « Compte fermé n° … ».",
        lieu="champs « auteur », « saisi par », « enregistré par » des modèles des dossiers",
    ),
    Traitement(
        nom="Membres des instances de gouvernance",
        personnes="Membres du comité de projet et des autres instances, avec ou sans compte.",
        donnees=("nom", "qualité ou rôle", "adresse électronique (convocations)", "présences aux séances"),
        finalite="Convoquer les séances, tenir les présences et les décisions.",
        base_legale=MISSION,
        destinataires="Les personnes qui voient le dossier ; les adresses électroniques : l'équipe-projet.",
        conservation="Tant que le dossier existe.",
        lieu="`gouvernance.MembreInstance`, `gouvernance.Presence`, `gouvernance.ConvocationEnvoi`",
    ),
    Traitement(
        nom="Contributions des habitants",
        personnes="Habitants et acteurs locaux qui contribuent sur la page publique de participation.",
        donnees=(
            "nom (facultatif)",
            "adresse électronique (facultative, jamais publiée)",
            "texte de la contribution, thème, sujet",
            "date du dépôt",
        ),
        finalite="Recueillir l'avis des habitants sur le projet et pouvoir leur répondre.",
        base_legale="Consentement de la personne qui dépose sa contribution (article 6.1.a du RGPD) ; "
        "nom et adresse sont facultatifs.",
        destinataires="Le texte et le nom : le public, une fois la contribution publiée. L'adresse "
        "électronique : l'équipe-projet du dossier (chef de projet et équipe) et les administrateurs de la "
        "plateforme, jamais les élus, les partenaires, les lecteurs ni les services de l'État.",
        conservation="Nom et adresse électronique effacés {contributions} après le dépôt (commande "
        "`appliquer_conservation`) ; le texte et sa modération restent, sans auteur.",
        lieu="`participation.Contribution`",
    ),
    Traitement(
        nom="Journal des modifications",
        personnes="Utilisateurs qui modifient les données d'un dossier.",
        donnees=("qui a modifié quoi, quand, valeurs avant et après", "modérations des contributions"),
        finalite="Pouvoir retrouver et restaurer les données d'un dossier, rendre compte des décisions.",
        base_legale=MISSION,
        destinataires="Le chef de projet du dossier (page « Journal »), les administrateurs.",
        conservation="{historique}.",
        lieu="tables d'historique des modèles (`Historical…`), `participation.Moderation`, `actions.FicheHistory`",
    ),
    Traitement(
        nom="Sessions et tentatives de connexion",
        personnes="Toute personne qui se connecte ou tente de se connecter.",
        donnees=(
            "cookie de session",
            "adresse IP, navigateur et identifiant saisi lors des tentatives de connexion échouées",
            "clé secrète de la double authentification et codes de secours, pour qui l'a activée",
        ),
        finalite="Sécurité des comptes : bloquer les essais répétés de mots de passe.",
        base_legale="Intérêt légitime de l'opérateur à sécuriser la plateforme (article 6.1.f du RGPD) et "
        "obligation de sécurité (article 32).",
        destinataires="Les administrateurs de la plateforme.",
        conservation="Session : jusqu'à la déconnexion ou son expiration ; tentatives échouées : "
        "jusqu'au déblocage du compte par un administrateur ou à l'expiration du blocage ; double "
        "authentification : jusqu'à sa désactivation ou la fermeture du compte.",
        lieu="`django_session`, tables de django-axes",
    ),
    Traitement(
        nom="Courriels envoyés",
        personnes="Utilisateurs qui reçoivent le récapitulatif hebdomadaire des alertes, personnes "
        "invitées, membres convoqués.",
        donnees=("destinataire", "alertes déjà envoyées à chacun", "convocations envoyées"),
        finalite="Ne pas envoyer deux fois la même alerte ; savoir qui a été convoqué.",
        base_legale=MISSION,
        destinataires="Les administrateurs de la plateforme ; les convocations : l'équipe-projet.",
        conservation="Tant que le compte ou le dossier existe ; chacun désactive le récapitulatif dans "
        "« Mes préférences ».",
        lieu="`pilotage.AlerteEnvoyee`, `gouvernance.ConvocationEnvoi`",
    ),
)


def register() -> list[dict]:
    """The register, its retention periods read from the settings."""
    values = retention_values()
    return [
        {
            "nom": t.nom,
            "personnes": t.personnes,
            "donnees": list(t.donnees),
            "finalite": t.finalite,
            "base_legale": t.base_legale,
            "destinataires": t.destinataires,
            "conservation": t.conservation.format(**values),
            "lieu": t.lieu,
        }
        for t in TRAITEMENTS
    ]


def register_markdown() -> str:
    """The register as the file `docs/registre-rgpd.md`."""
    operator = settings.PVD_BRANDING["operator"]
    lines = [
        "# Registre des données personnelles",
        "",
        "<!-- Généré par `manage.py registre_rgpd > docs/registre-rgpd.md` depuis `pvd/comptes/rgpd.py` ;",
        "     un test vérifie que ce fichier est à jour. Ne pas le modifier à la main. -->",
        "",
        f"Responsable : {operator}. Chaque utilisateur télécharge ses données et ferme son compte "
        "depuis la page « Mes préférences ».",
    ]
    for entry in register():
        lines += [
            "",
            f"## {entry['nom']}",
            "",
            f"- **Personnes concernées** : {entry['personnes']}",
            "- **Données** :",
            *(f"  - {d}" for d in entry["donnees"]),
            f"- **Finalité** : {entry['finalite']}",
            f"- **Base légale** : {entry['base_legale']}",
            f"- **Qui les voit** : {entry['destinataires']}",
            f"- **Durée de conservation** : {entry['conservation']}",
            f"- **Où** : {entry['lieu']}",
        ]
    return "\n".join(lines) + "\n"


# --- The download of one's data ---------------------------------------------------------------

# Every ForeignKey to the user model, "app_label.Model.field" → the fields left out of the
# download (secrets, tokens). A new ForeignKey to the user fails pvd/comptes/tests/test_personal_data_export.py until
# it is declared here.
EXPORT: dict[str, tuple[str, ...]] = {
    "actions.FicheHistory.by": (),
    "comptes.PolitiqueSecurite.updated_by": (),
    # The second factor: its name and state, never its secret key (nor the recovery codes).
    "otp_static.StaticDevice.user": (),
    "otp_totp.TOTPDevice.user": ("key",),
    "actions.LigneFinancement.decision_etat_par": (),
    "actions.Note.auteur": (),
    "actions.PieceJointe.added_by": (),
    "admin.LogEntry.user": (),
    "conventions.ConventionDocument.uploaded_by": (),
    "diagnostic.DonneeImport.created_by": (),
    "diagnostic.PointInteret.created_by": (),
    "documents.Document.created_by": (),
    "documents.DocumentVersion.uploaded_by": (),
    "dossiers.DemandeDossier.decided_by": (),
    "dossiers.DemandeDossier.demandeur": (),
    "dossiers.Invitation.invited_by": ("token",),  # the link that opens the dossier
    "dossiers.Membre.user": (),
    "gouvernance.CalendrierDossier.user": ("token",),  # the private address of the calendar feed
    "gouvernance.Decision.recorded_by": (),
    "gouvernance.MembreInstance.user": (),
    "gouvernance.PointOrdreDuJour.submitted_by": (),
    "gouvernance.Seance.compte_rendu_approved_by": (),
    # What one deleted: its label and date, not the deleted rows it keeps (other people's data).
    "journal.Corbeille.deleted_by": ("payload",),
    # The residents' name and address are theirs, not the moderator's.
    "participation.Contribution.answered_by": ("auteur", "email"),
    "participation.Contribution.moderated_by": ("auteur", "email"),
    "participation.Moderation.by": (),
    "pilotage.AlerteEnvoyee.user": (),
    "pilotage.Avis.auteur": (),
    "pilotage.BilanAnnuel.updated_by": (),
    "strategie.ProjetTerritoireVersion.auteur": (),
    "suivi.Mesure.entered_by": (),
    "suivi.Mesure.updated_by": (),
}

# The fields of an audit-trail row that the download keeps (the values before and after belong
# to the dossier, not to the person).
HISTORY_FIELDS = ("history_id", "history_date", "history_type", "history_change_reason")


def history_model_of(model):
    """The audit-trail model that keeps the past versions of `model` (django-simple-history's
    `history` manager), or None: what is erased from a row must be erased from its past too."""
    history = getattr(model, "history", None)
    return getattr(history, "model", None) if history is not None else None


def history_fields(historical) -> set[str]:
    """The field names a history model keeps (the journal leaves some out, e.g. residents'
    addresses, which then need no erasing there)."""
    return {f.name for f in historical._meta.get_fields()} | {f.attname for f in historical._meta.concrete_fields}


def update_with_history(model, filters: dict, values: dict) -> int:
    """`model.objects.filter(**filters).update(**values)`, and the same on its past versions."""
    count = model._default_manager.filter(**filters).update(**values)
    historical = history_model_of(model)
    if historical is not None:
        kept = history_fields(historical)
        past_values = {name: value for name, value in values.items() if name in kept}
        if past_values and all(name.split("__")[0] in kept for name in filters):
            historical._default_manager.filter(**filters).update(**past_values)
    return count


def is_history_model(model) -> bool:
    """A model of the audit trail (django-simple-history's `Historical…` tables)."""
    names = {f.name for f in model._meta.get_fields()}
    return {"history_id", "history_type", "history_user"} <= names


def user_foreign_keys() -> list[tuple[str, type[models.Model], models.Field]]:
    """Every ForeignKey (or OneToOne) to the user model: ("app.Model.field", model, field)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and not field.auto_created
                and field.related_model is user_model
                and field.concrete
            ):
                found.append((f"{model._meta.label}.{field.name}", model, field))
    return sorted(found, key=lambda item: item[0])


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _rows(queryset, fields: list[str]) -> list[dict]:
    return [{name: _value(v) for name, v in row.items()} for row in queryset.values(*fields)]


ACCOUNT_FIELDS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "organisation",
    "state_scope",
    "departement_id",
    "digest_hebdo",
    "is_active",
    "date_joined",
    "last_login",
)


def personal_data(user) -> dict:
    """Everything the platform keeps that points to `user`, as JSON-ready data.

    One query per declared ForeignKey (a fixed number, whatever the data), plus the invitations
    sent to the user's address."""
    result = {
        "export": {
            "genere_le": timezone.now().isoformat(),
            "plateforme": settings.PVD_BRANDING["site_title"],
            "responsable": settings.PVD_BRANDING["operator"],
        },
        "compte": _rows(get_user_model().objects.filter(pk=user.pk), list(ACCOUNT_FIELDS))[0],
        "donnees": [],
    }
    for key, model, field in user_foreign_keys():
        if is_history_model(model):
            fields = [*HISTORY_FIELDS, "id"]
            exclude = ()
        else:
            exclude = EXPORT[key]  # a KeyError here is the test's failure: declare it
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in exclude]
        rows = _rows(model._default_manager.filter(**{field.name: user}).order_by("pk"), fields)
        if rows:
            result["donnees"].append(
                {
                    "modele": model._meta.label,
                    "nom": str(model._meta.verbose_name_plural),
                    "lien": str(field.verbose_name),
                    "objets": rows,
                }
            )
    invitation = apps.get_model("dossiers", "Invitation")
    received = invitation.objects.filter(email__iexact=user.email).order_by("pk")
    rows = _rows(received, [f.attname for f in invitation._meta.concrete_fields if f.name != "token"])
    if rows:
        result["donnees"].append(
            {
                "modele": "dossiers.Invitation",
                "nom": "invitations reçues",
                "lien": "adresse électronique",
                "objets": rows,
            }
        )
    return result


# --- The anonymisation of a closed account ----------------------------------------------------

CLOSED_NAME = "Compte fermé"
CLOSED_EMAIL_DOMAIN = "compte-ferme.invalid"  # RFC 2606: never routed

# Copies of a person's name kept beside a ForeignKey to the user: "app.Model" → (the
# ForeignKey, the copied name field, the copied e-mail field or "").
NAME_COPIES: dict[str, tuple[str, str, str]] = {
    "pilotage.Avis": ("auteur", "auteur_nom", ""),
    "gouvernance.MembreInstance": ("user", "nom", "email"),
}


def closed_name(user) -> str:
    return f"{CLOSED_NAME} n° {user.pk}"


def closed_email(user) -> str:
    return f"compte-{user.pk}@{CLOSED_EMAIL_DOMAIN}"


@transaction.atomic
def account_anonymise(*, user) -> None:
    """Replace what identifies `user` by « Compte fermé n° <id> »; everything the person wrote
    stays, under that name. The account can no longer sign in (unusable password, inactive),
    and receives nothing. The caller has checked that the account may be closed."""
    old_email = user.email
    user.first_name, user.last_name = CLOSED_NAME, f"n° {user.pk}"
    user.email = closed_email(user)
    user.organisation = ""
    user.state_scope, user.departement = "", None
    user.digest_hebdo = False
    user.is_active = False
    user.set_unusable_password()
    user.full_clean()
    user.save()
    # The account's past versions in the audit trail lose the name and the address too.
    anonymised = {f: getattr(user, f) for f in ("first_name", "last_name", "email", "organisation")}
    historical = history_model_of(type(user))
    if historical is not None:
        historical._default_manager.filter(id=user.pk).update(**anonymised)
    for label, (fk, name_field, email_field) in NAME_COPIES.items():
        values = {name_field: closed_name(user)}
        if email_field:
            values[email_field] = ""
        update_with_history(apps.get_model(label), {f"{fk}_id": user.pk}, values)
    # Invitations sent to the old address: a pending one goes (nobody may accept it any more), an
    # accepted one stays as the trace of the membership, without the address.
    invitation = apps.get_model("dossiers", "Invitation")
    invitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).delete()
    update_with_history(invitation, {"email__iexact": old_email}, {"email": user.email})
    # The second factor (TOTP secret, recovery codes) serves nobody any more.
    double_facteur.remove_all(user)
