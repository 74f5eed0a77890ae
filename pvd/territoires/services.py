"""Writes on the reference territories: the COG import and the list of PVD communes.

Management commands call these functions; a future admin upload can call them too.
"""

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from pvd.core.concurrency import claim_version

from .models import Commune, Departement, Epci, Organisation, OrganisationType, Region
from .names import commune_de, prefecture_de
from .search import normalize

COG_EXTRACT = Path(__file__).resolve().parent / "data" / "cog2026.json.gz"
SEARCH_TEXT_MAX = 300
BATCH_SIZE = 2000
EPCI_TYPE_LABELS = {
    "CC": "communauté de communes",
    "CA": "communauté d'agglomération",
    "CU": "communauté urbaine",
    "METRO": "métropole",
    "MET69": "métropole de Lyon",
}


def commune_search_text(*, nom: str, code: str, codes_postaux: list[str]) -> str:
    return normalize(" ".join([nom, code, *codes_postaux]))[:SEARCH_TEXT_MAX]


def epci_search_text(*, nom: str, siren: str, kind: str) -> str:
    return normalize(" ".join([nom, siren, EPCI_TYPE_LABELS.get(kind, "")]))[:SEARCH_TEXT_MAX]


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class CogImportResult:
    regions: ImportCounts = field(default_factory=ImportCounts)
    departements: ImportCounts = field(default_factory=ImportCounts)
    epci: ImportCounts = field(default_factory=ImportCounts)
    communes: ImportCounts = field(default_factory=ImportCounts)
    source: str = ""


def read_cog_extract(path: Path = COG_EXTRACT) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(f"Extrait du COG illisible ({path}) : {error}") from error
    missing = {"regions", "departements", "epci", "communes"} - set(data)
    if missing:
        raise ValidationError(f"Extrait du COG incomplet ({path}) : il manque {', '.join(sorted(missing))}.")
    return data


def _sync(model, rows: dict[str, dict], fields: list[str]) -> ImportCounts:
    """Create the missing rows and update the changed ones, in batches. Nothing is deleted."""
    counts = ImportCounts()
    pk_name = model._meta.pk.attname
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(**{pk_name: pk, **values}))
            continue
        changed = False
        for name in fields:
            if getattr(obj, name) != values[name]:
                setattr(obj, name, values[name])
                changed = True
        if changed:
            to_update.append(obj)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _check_commune_references(rows: list) -> None:
    """Every commune's département and EPCI must exist: a French error (rolled back with
    everything written so far) rather than an IntegrityError at commit."""
    departements = set(Departement.objects.values_list("code", flat=True))
    epcis = set(Epci.objects.values_list("siren", flat=True))
    problems = []
    for code, nom, departement, _region, _siren, _postaux, _population, epci in rows:
        if departement not in departements:
            problems.append(f"{nom} ({code}) : département « {departement} » inconnu")
        if epci and epci not in epcis:
            problems.append(f"{nom} ({code}) : EPCI « {epci} » inconnu")
    if problems:
        shown = " ; ".join(problems[:10]) + (f" ; et {len(problems) - 10} autres" if len(problems) > 10 else "")
        raise ValidationError(f"Extrait du COG incohérent : {shown}.")


@transaction.atomic
def cog_import(*, path: Path = COG_EXTRACT) -> CogImportResult:
    """Load (or refresh) régions, départements, EPCI and current communes from the COG extract.

    Idempotent: a second run changes nothing. Communes of the programme (pvd, pvd_id) are kept.
    """
    data = read_cog_extract(path)
    result = CogImportResult(source=data.get("source", ""))
    result.regions = _sync(Region, {code: {"nom": nom} for code, nom in data["regions"]}, ["nom"])
    result.departements = _sync(
        Departement,
        {code: {"nom": nom, "region_id": region} for code, nom, region in data["departements"]},
        ["nom", "region_id"],
    )
    epcis = {}
    for siren, nom, type_, population, _membres in data["epci"]:
        epcis[siren] = {
            "nom": nom,
            "kind": type_ or "",
            "population": population,
            "search_text": epci_search_text(nom=nom, siren=siren, kind=type_ or ""),
        }
    result.epci = _sync(Epci, epcis, ["nom", "kind", "population", "search_text"])
    _check_commune_references(data["communes"])
    communes = {}
    for code, nom, departement, _region, siren, codes_postaux, population, epci in data["communes"]:
        communes[code] = {
            "nom": nom,
            "departement_id": departement,
            "epci_id": epci or None,
            "siren": siren or "",
            "population": population,
            "codes_postaux": codes_postaux,
            "search_text": commune_search_text(nom=nom, code=code, codes_postaux=codes_postaux),
        }
    result.communes = _sync(
        Commune,
        communes,
        ["nom", "departement_id", "epci_id", "siren", "population", "codes_postaux", "search_text"],
    )
    return result


# --- The ANCT list of the programme's communes ---------------------------------------------

PVD_REQUIRED_COLUMNS = ("insee_com", "id_pvd")
COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass
class PvdImportResult:
    rows: int = 0
    flagged: int = 0
    unflagged: int = 0
    unknown: list[str] = field(default_factory=list)


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig",):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise ValidationError("Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 » puis recommencez.")


def read_pvd_csv(content: bytes) -> list[dict[str, str]]:
    """Parse the ANCT CSV (comma or semicolon separated, UTF-8) into rows; French ValidationError if malformed."""
    if b"\x00" in content[:4096]:
        raise ValidationError("Le fichier n'est pas un fichier CSV (contenu binaire).")
    text = _decode(content)
    if not text.strip():
        raise ValidationError("Le fichier est vide.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise ValidationError(f"Le fichier CSV est mal formé : {error}.") from error
    missing = [name for name in PVD_REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ValidationError(
            f"Colonnes manquantes : {', '.join(missing)}. Le fichier doit suivre le format de la liste ANCT "
            f"(colonnes id_pvd, insee_com, lib_com…) ; colonnes trouvées : {', '.join(columns) or 'aucune'}."
        )
    reader.fieldnames = columns
    try:
        rows = [{key: (value or "").strip() for key, value in row.items() if key} for row in reader]
    except csv.Error as error:
        raise ValidationError(f"Le fichier CSV est mal formé : {error}.") from error
    rows = [row for row in rows if any(row.values())]
    if not rows:
        raise ValidationError("Le fichier ne contient aucune commune.")
    return rows


def _normalize_code(code: str) -> str:
    code = code.strip().upper()
    if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
        code = f"0{code}"
    return code


@transaction.atomic
def pvd_import(*, content: bytes, replace: bool = False) -> PvdImportResult:
    """Flag the communes of the ANCT list as PVD, with their programme id.

    Unknown codes are reported, not fatal. With replace=True, communes absent from the list lose
    the flag. A malformed file raises ValidationError and changes nothing.
    """
    rows = read_pvd_csv(content)
    result = PvdImportResult(rows=len(rows))
    ids: dict[str, str] = {}
    max_length = Commune._meta.get_field("pvd_id").max_length
    for row in rows:
        code = _normalize_code(row.get("insee_com", ""))
        if not COMMUNE_CODE.match(code):
            result.unknown.append(code or "(vide)")
            continue
        ids[code] = row.get("id_pvd", "")
        if len(ids[code]) > max_length:
            raise ValidationError(
                f"Commune {code} : l'identifiant PVD « {ids[code][:40]} » dépasse {max_length} caractères."
            )
    communes = {c.code: c for c in Commune.objects.filter(code__in=ids)}
    result.unknown += sorted(set(ids) - set(communes))
    changed = []
    for code, commune in communes.items():
        if not commune.pvd or commune.pvd_id != ids[code]:
            commune.pvd, commune.pvd_id = True, ids[code]
            changed.append(commune)
    Commune.objects.bulk_update(changed, ["pvd", "pvd_id"], batch_size=BATCH_SIZE)
    result.flagged = len(communes)
    if replace:
        others = Commune.objects.filter(pvd=True).exclude(code__in=list(communes))
        result.unflagged = others.update(pvd=False, pvd_id="")
    return result


# --- Organisations ---------------------------------------------------------------------------

NOT_OFFERED = "Cette organisation n'est pas proposée dans ce dossier."


def _clean_name(nom: str) -> str:
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": "Indiquez le nom de l'organisation."})
    return nom


@transaction.atomic
def organisation_get_or_create(
    *,
    nom: str,
    kind: str,
    dossier,
    commune=None,
    epci=None,
    departement=None,
) -> Organisation:
    """The organisation of this name (whatever the capitals) in the dossier — or in the shared
    list when `dossier` is None —, created if needed with this type. Links (commune, EPCI,
    département) that an existing row lacks are filled in, never replaced."""
    nom = _clean_name(nom)
    links = {"commune": commune, "epci": epci, "departement": departement}
    scope = {"dossier": dossier} if dossier is not None else {"dossier__isnull": True}
    organisation = Organisation.objects.filter(nom__iexact=nom, **scope).order_by("pk").first()
    if organisation is None:
        organisation = Organisation(nom=nom, kind=kind, dossier=dossier, **links)
        organisation.full_clean()
        organisation.save()
        return organisation
    missing = [k for k, v in links.items() if v is not None and getattr(organisation, f"{k}_id") is None]
    if missing:
        for key in missing:
            setattr(organisation, key, links[key])
        organisation.full_clean()
        organisation.save(update_fields=missing)
    return organisation


def _territory_organisation(
    *,
    match: dict,
    nom: str,
    kind: str,
    link: dict,
    other_nom: str,
) -> Organisation:
    """The shared organisation of a territory: found by its link, else a shared one of that name
    without a link of this kind (given the link), else created. When the name belongs to
    another territory (two communes called Saint-Martin), `other_nom` is used instead."""
    found = Organisation.objects.filter(dossier__isnull=True, kind=kind, **match).order_by("pk").first()
    if found:
        return found
    ((key, value),) = link.items()
    homonym = Organisation.objects.filter(dossier__isnull=True, nom__iexact=nom).first()
    if homonym is not None and getattr(homonym, f"{key}_id") not in (None, value.pk):
        nom = other_nom
    return organisation_get_or_create(nom=nom, kind=kind, dossier=None, **link)


def prefecture_name(departement: Departement) -> str:
    return prefecture_de(departement)


@transaction.atomic
def prefecture_organisation(departement: Departement) -> Organisation:
    """The préfecture of a département: a shared État organisation linked to the département,
    created on first use. The one function that gets it (State signatory, pickers)."""
    return _territory_organisation(
        match={"departement": departement, "nom__istartswith": "Préfecture"},
        nom=prefecture_name(departement),
        kind=OrganisationType.ETAT,
        link={"departement": departement},
        other_nom=f"{prefecture_name(departement)} ({departement.code})",
    )


@transaction.atomic
def commune_organisation(commune: Commune) -> Organisation:
    """The commune as an organisation (« Commune de Langres », « Commune du Moule »), shared, created on first use."""
    return _territory_organisation(
        match={"commune": commune},
        nom=commune_de(commune.nom),
        kind=OrganisationType.COMMUNE,
        link={"commune": commune},
        other_nom=f"{commune_de(commune.nom)} ({commune.departement_id})",
    )


@transaction.atomic
def epci_organisation(epci: Epci) -> Organisation:
    """The EPCI as an organisation (its COG name), shared, created on first use."""
    return _territory_organisation(
        match={"epci": epci},
        nom=epci.nom,
        kind=OrganisationType.EPCI,
        link={"epci": epci},
        other_nom=f"{epci.nom} ({epci.pk})",
    )


def territory_organisations_ensure(*, dossier) -> None:
    """Make sure the organisations of the dossier's communes, of its EPCI and the préfecture of
    its départements exist. Two queries when they do, whatever the number of organisations, and
    no transaction (a page that reads them writes nothing): each creation is atomic by itself."""
    communes = list(dossier.communes.select_related("departement"))
    departements = {c.departement_id: c.departement for c in communes}
    existing = Organisation.objects.filter(dossier__isnull=True).filter(
        Q(kind=OrganisationType.COMMUNE, commune__in=communes)
        | Q(kind=OrganisationType.EPCI, epci_id=dossier.epci_id)
        | Q(kind=OrganisationType.ETAT, departement__in=list(departements), nom__istartswith="Préfecture")
    )
    found = set()
    for type_, commune_id, epci_id, departement_id in existing.values_list("kind", "commune", "epci", "departement"):
        found.add((type_, commune_id or epci_id or departement_id))
    for commune in communes:
        if (OrganisationType.COMMUNE, commune.pk) not in found:
            commune_organisation(commune)
    if (OrganisationType.EPCI, dossier.epci_id) not in found:
        epci_organisation(dossier.epci)
    for code, departement in departements.items():
        if (OrganisationType.ETAT, code) not in found:
            prefecture_organisation(departement)


@transaction.atomic
def organisation_find_or_create(*, dossier, nom: str, kind: str) -> Organisation:
    """An organisation typed in a form of the dossier (« Ajouter une organisation »): the one
    offered to the dossier of that name whatever the capitals (the dossier's own, a national
    body, its territory's), else a new organisation of the dossier. Never a national one."""
    from .selectors import organisation_key, organisations_by_name

    nom = _clean_name(nom)
    found = organisations_by_name([nom], dossier=dossier).get(organisation_key(nom))
    return found or organisation_get_or_create(nom=nom, kind=kind or OrganisationType.AUTRE, dossier=dossier)


@transaction.atomic
def organisation_chosen_or_created(*, dossier, organisation=None, nouvelle_organisation=None) -> Organisation | None:
    """What a picker with « Ajouter une organisation » gives: the chosen organisation (offered to
    the dossier), or the typed one found or created in the dossier. Call it inside the same
    transaction as the write that uses it, so that a refused form leaves nothing behind."""
    if organisation is not None:
        check_offered(dossier=dossier, organisations=[organisation])
        return organisation
    if nouvelle_organisation:
        return organisation_find_or_create(dossier=dossier, **nouvelle_organisation)
    return None


def check_offered(*, dossier, organisations, field: str = "organisation") -> None:
    """Refuse an organisation that the dossier's pickers do not offer (another dossier's)."""
    from .selectors import offered_to

    pks = {o.pk for o in organisations if o is not None}
    if pks and Organisation.objects.filter(offered_to(dossier), pk__in=pks).count() != len(pks):
        raise ValidationError({field: NOT_OFFERED})


def _require_national_type(kind: str) -> None:
    if kind in {OrganisationType.COMMUNE, OrganisationType.EPCI}:
        raise ValidationError(
            {"kind": "Une commune ou un EPCI n'est pas un organisme national : il est proposé à ses dossiers."}
        )


# Who may curate the national list (`organisations.curate`) is the permission table's to say, a
# layer above: callers go through pvd.dossiers.services, which checks it, then calls these.


@transaction.atomic
def organisation_national_create(*, nom: str, kind: str, siren: str = "") -> Organisation:
    """A national body, offered to every dossier."""
    _require_national_type(kind)
    organisation = Organisation(nom=_clean_name(nom), kind=kind, siren=siren.strip(), dossier=None)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_national_update(
    *,
    organisation: Organisation,
    nom: str,
    kind: str,
    siren: str = "",
    expected_version: int | None = None,
) -> Organisation:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    _require_national_type(kind)
    if organisation.dossier_id is not None:
        raise ValidationError("Cette organisation appartient à un dossier : elle n'est pas dans la liste nationale.")
    claim_version(organisation, expected_version)
    organisation.nom, organisation.kind, organisation.siren = _clean_name(nom), kind, siren.strip()
    organisation.full_clean()
    organisation.save()
    return organisation
