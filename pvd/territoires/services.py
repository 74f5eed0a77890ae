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

from .models import Commune, Departement, Epci, Organisation, Region
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


def epci_search_text(*, nom: str, siren: str, type: str) -> str:  # noqa: A002 - the COG's word
    return normalize(" ".join([nom, siren, EPCI_TYPE_LABELS.get(type, "")]))[:SEARCH_TEXT_MAX]


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
            "type": type_ or "",
            "population": population,
            "search_text": epci_search_text(nom=nom, siren=siren, type=type_ or ""),
        }
    result.epci = _sync(Epci, epcis, ["nom", "type", "population", "search_text"])
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


@transaction.atomic
def organisation_get_or_create(*, nom: str, type: str, commune=None, epci=None, departement=None) -> Organisation:  # noqa: A002
    """The organisation of this name and type, created if needed; links (commune, EPCI,
    département) that an existing row lacks are filled in, never replaced."""
    links = {"commune": commune, "epci": epci, "departement": departement}
    organisation, created = Organisation.objects.get_or_create(
        nom=nom.strip(), type=type, defaults={k: v for k, v in links.items() if v is not None}
    )
    missing = [k for k, v in links.items() if v is not None and getattr(organisation, f"{k}_id") is None]
    if not created and missing:
        for key in missing:
            setattr(organisation, key, links[key])
        organisation.full_clean()
        organisation.save(update_fields=missing)
    return organisation


def prefecture_organisation(departement) -> Organisation:
    """The State in a département (« Préfecture de la Haute-Marne », type État), created on
    first use: the préfet signs the conventions of the département's dossiers."""
    from .models import OrganisationType
    from .names import prefecture_de

    return organisation_get_or_create(
        nom=prefecture_de(departement), type=OrganisationType.ETAT, departement=departement
    )
