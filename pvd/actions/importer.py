"""Import of a whole plan d'action from the platform's XLSX template (or its own export).

`parse_workbook` reads every line and reports every fault with its sheet, line and column;
`import_plan` saves everything in one transaction, or nothing when a single fault remains.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.territoires.models import Organisation, OrganisationType
from pvd.territoires.selectors import organisation_key, organisations_by_name
from pvd.territoires.services import organisation_get_or_create

from . import services
from .columns import (
    BUDGET_COLUMNS,
    FICHE_COLUMNS,
    FINANCEMENT_COLUMNS,
    NAMES_SEPARATOR,
    SHEET_BUDGETS,
    SHEET_FICHES,
    SHEET_FINANCEMENTS,
)
from .models import (
    BudgetAnnuel,
    Dispositif,
    FicheAction,
    LigneFinancement,
    Maturite,
    Priorite,
    Statut,
    StatutFinancement,
)


@dataclass
class ImportFault:
    sheet: str
    line: int
    column: str
    message: str


@dataclass
class ParsedPlan:
    fiches: list[dict] = field(default_factory=list)
    financements: list[dict] = field(default_factory=list)
    budgets: list[dict] = field(default_factory=list)
    errors: list[ImportFault] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def parse_amount(value) -> Decimal:
    """1200000, 1200000.5, "1 200 000 €", "1 200 000,50 €", "1.200.000,50" → Decimal; else ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = str(value).strip()
    text = re.sub(r"(?i)\s*(€|eur|euros?)\s*$", "", text)
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(value)
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError(value) from error


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _choice(choices, value):
    wanted = _norm(value)
    for key, label in choices:
        if wanted in (_norm(key), _norm(label)):
            return key
    raise ValueError(value)


def _bool(value) -> bool:
    wanted = _norm(value)
    if wanted in ("oui", "o", "yes", "vrai", "true", "1", "x"):
        return True
    if wanted in ("non", "n", "no", "faux", "false", "0", ""):
        return False
    raise ValueError(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(sheet, columns, parsed: ParsedPlan):
    """Yield (line number, {key: raw value}) of the non-empty lines; check the header row."""
    header = [
        (_norm(c) if c is not None else "") for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    ]
    positions = {}
    for key, label in columns:
        if _norm(label) in header:
            positions[key] = header.index(_norm(label))
        else:
            parsed.errors.append(ImportFault(sheet.title, 1, label, "Colonne absente de l'en-tête."))
    for line, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(_blank(v) for v in values):
            continue
        yield line, {key: (values[pos] if pos < len(values) else None) for key, pos in positions.items()}


LABELS = dict(FICHE_COLUMNS + FINANCEMENT_COLUMNS + BUDGET_COLUMNS)
# The column of a model field whose name is not the column's key.
FIELD_COLUMNS = {"maitre_ouvrage_texte": "maitre_ouvrage"}


def _field_errors(model, values: dict, skip=()) -> list[tuple[str, str]]:
    """(field name, message) for each value the model field refuses: lengths, digit counts and
    ranges come from the model (max_length, max_digits, validators), never from a copy here,
    so that every such fault is reported by line and column before anything is saved."""
    errors = []
    for name, value in values.items():
        if name in skip or value is None:
            continue
        field = model._meta.get_field(name)
        if field.is_relation:
            continue
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors.append((name, " ".join(error.messages)))
    return errors


def _norm_name(name: str) -> str:
    return str(name).strip().casefold()


def _names(value) -> list[str]:
    """The organisation names of a cell: separated by « ; », blanks dropped."""
    if _blank(value):
        return []
    return [name.strip() for name in str(value).split(NAMES_SEPARATOR) if name.strip()]


def parse_workbook(content: bytes, dossier) -> ParsedPlan:
    parsed = ParsedPlan()
    try:
        workbook = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
        parsed.errors.append(ImportFault("", 0, "", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."))
        return parsed
    if SHEET_FICHES not in workbook.sheetnames:
        parsed.errors.append(
            ImportFault(SHEET_FICHES, 0, "", "La feuille « Fiches » est absente : utilisez le modèle.")
        )
        return parsed
    axes = {axe.numero: axe for axe in AxeStrategique.objects.filter(dossier=dossier)}
    communes = {c.code: c for c in dossier.communes.all()}
    existing = set(FicheAction.objects.filter(dossier=dossier).values_list("numero", flat=True))
    seen_numbers: dict[int, int] = {}
    sheet = workbook[SHEET_FICHES]
    fiche_rows = list(_rows(sheet, FICHE_COLUMNS, parsed))
    maitres_ouvrage = organisations_by_name(
        [str(raw["maitre_ouvrage"]) for _, raw in fiche_rows if not _blank(raw.get("maitre_ouvrage"))],
        dossier=dossier,
    )
    partner_names = {line: _names(raw.get("partenaires")) for line, raw in fiche_rows}
    # Existing partners in one query; an unknown name is created by the fiche service on save,
    # as the fiche form's « autres partenaires » are.
    partners = organisations_by_name([name for names in partner_names.values() for name in names], dossier=dossier)
    secteurs: dict[str, list] = {}
    for secteur in SecteurIntervention.objects.filter(dossier=dossier).order_by("nom"):
        secteurs.setdefault(_norm_name(secteur.nom), []).append(secteur)

    for line, raw in fiche_rows:

        def fault(key, message, line=line):
            parsed.errors.append(ImportFault(SHEET_FICHES, line, LABELS[key], message))

        fiche: dict = {"line": line, "axes": [], "partenaires": [], "nouveaux_partenaires": [], "fields": {}}
        values = fiche["fields"]
        numero = raw.get("numero")
        if _blank(numero):
            fiche["numero"] = None
        else:
            try:
                fiche["numero"] = int(Decimal(str(numero).strip()))
                if fiche["numero"] <= 0:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("numero", f"Numéro invalide : « {numero} » (entier positif attendu).")
                fiche["numero"] = None
            else:
                if fiche["numero"] in seen_numbers:
                    fault("numero", f"Numéro {fiche['numero']} en double (déjà ligne {seen_numbers[fiche['numero']]}).")
                elif fiche["numero"] in existing:
                    fault("numero", f"Le numéro {fiche['numero']} est déjà utilisé par une fiche du dossier.")
                seen_numbers.setdefault(fiche["numero"], line)
        titre = raw.get("titre")
        if _blank(titre):
            fault("titre", "Le titre est obligatoire.")
        else:
            values["titre"] = str(titre).strip()
        for part in re.split(r"[,;/ ]+", str(raw.get("axes") or "").strip()):
            if not part:
                continue
            try:
                fiche["axes"].append(axes[int(part)])
            except (ValueError, KeyError):
                fault(
                    "axes",
                    f"Axe inconnu : « {part} » (axes du dossier : {', '.join(map(str, sorted(axes))) or 'aucun'}).",
                )
        for key, choices, default in (
            ("statut", Statut.choices, Statut.A_VENIR),
            ("maturite", Maturite.choices, Maturite.IDEE),
            ("priorite", Priorite.choices, Priorite.MOYENNE),
        ):
            value = raw.get(key)
            if _blank(value):
                values[key] = default
                continue
            try:
                values[key] = _choice(choices, value)
            except ValueError:
                fault(key, f"Valeur inconnue : « {value} » ({', '.join(label for _, label in choices)}).")
        mo = raw.get("maitre_ouvrage")
        if not _blank(mo):
            organisation = maitres_ouvrage.get(organisation_key(mo))
            if organisation:
                values["maitre_ouvrage"] = organisation
            else:
                values["maitre_ouvrage_texte"] = str(mo).strip()
        for name in partner_names[line]:
            refused = _field_errors(Organisation, {"nom": name})
            if refused:
                fault("partenaires", f"Partenaire « {name} » : {refused[0][1]}")
            elif name_found := partners.get(organisation_key(name)):
                if name_found not in fiche["partenaires"]:
                    fiche["partenaires"].append(name_found)
            elif organisation_key(name) not in map(organisation_key, fiche["nouveaux_partenaires"]):
                fiche["nouveaux_partenaires"].append(name)
        secteur = raw.get("secteur")
        if not _blank(secteur):
            found = secteurs.get(_norm_name(secteur), [])
            if len(found) == 1:
                values["secteur"] = found[0]
            elif found:
                fault("secteur", f"Plusieurs secteurs du dossier s'appellent « {secteur} » : renommez-les.")
            else:
                known_names = ", ".join(s[0].nom for s in secteurs.values()) or "aucun"
                fault("secteur", f"Secteur inconnu : « {secteur} » (secteurs du dossier : {known_names}).")
        for key in ("pilote", "localisation", "contexte", "description", "objectifs"):
            if not _blank(raw.get(key)):
                values[key] = str(raw[key]).strip()
        commune = raw.get("commune")
        if not _blank(commune):
            code = str(commune).strip().zfill(5)
            if code in communes:
                values["commune"] = communes[code]
            else:
                fault("commune", f"Commune « {commune} » hors du dossier (codes : {', '.join(communes)}).")
        for key in ("latitude", "longitude"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                values[key] = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.000001"))
            except InvalidOperation:
                fault(key, f"Coordonnée illisible : « {value} ».")
        if ("latitude" in values) != ("longitude" in values):
            fault("latitude", "Un point demande une latitude et une longitude.")
        for key in ("date_debut", "date_fin"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                values[key] = parse_date(value)
            except ValueError:
                fault(key, f"Date illisible : « {value} » (format attendu JJ/MM/AAAA).")
        if values.get("date_debut") and values.get("date_fin") and values["date_fin"] < values["date_debut"]:
            fault("date_fin", "La fin prévue précède le début prévu.")
        for key in ("cout_ht", "cout_ttc"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                amount = parse_amount(value)
            except ValueError:
                fault(key, f"Montant illisible : « {value} » (exemple : 1 200 000 €).")
                continue
            if amount < 0:
                fault(key, f"Montant négatif refusé : « {value} ».")
            else:
                values[key] = amount
        for key in ("inscrite_crte", "confidentielle"):
            try:
                values[key] = _bool(raw.get(key) or "")
            except ValueError:
                fault(key, f"Valeur « {raw[key]} » : répondez oui ou non.")
        faulty = {e.column for e in parsed.errors if e.sheet == SHEET_FICHES and e.line == line}
        checked = {**values, "numero": fiche["numero"]}
        for name, message in _field_errors(FicheAction, checked):
            label = LABELS[FIELD_COLUMNS.get(name, name)]
            if label not in faulty:  # one message per cell
                fault(FIELD_COLUMNS.get(name, name), message)
        if not any(e.sheet == SHEET_FICHES and e.line == line for e in parsed.errors):
            # The model's own cross-field rules (FicheAction.clean), on the scalar values.
            scalars = {k: v for k, v in values.items() if not FicheAction._meta.get_field(k).is_relation}
            try:
                FicheAction(dossier=dossier, **scalars).clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = FIELD_COLUMNS.get(name, name)
                    fault(column if column in LABELS else "numero", " ".join(messages))
        fiche["titre"], fiche["cout_ht"] = values.get("titre", ""), values.get("cout_ht")
        parsed.fiches.append(fiche)

    known = {f["numero"] for f in parsed.fiches if f["numero"]}
    # Blank numbers are given here, not at save time: in line order, the next numbers after the
    # dossier's that no line of the file asks for, so that a later line never collides with them.
    candidate = max(existing, default=0) + 1
    for fiche in parsed.fiches:
        if fiche["numero"] is None and not any(
            e.sheet == SHEET_FICHES and e.line == fiche["line"] and e.column == LABELS["numero"] for e in parsed.errors
        ):
            while candidate in known:
                candidate += 1
            fiche["numero"] = candidate
            candidate += 1
    if SHEET_FINANCEMENTS in workbook.sheetnames:
        seen_lines = {}
        for line, raw in _rows(workbook[SHEET_FINANCEMENTS], FINANCEMENT_COLUMNS, parsed):

            def fault(key, message, line=line):
                parsed.errors.append(ImportFault(SHEET_FINANCEMENTS, line, LABELS[key], message))

            item = {"line": line}
            try:
                item["fiche"] = int(Decimal(str(raw.get("fiche")).strip()))
                if item["fiche"] not in known:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("fiche", f"Fiche « {raw.get('fiche')} » absente de la feuille Fiches.")
            if _blank(raw.get("financeur")):
                fault("financeur", "Le financeur est obligatoire.")
            else:
                item["financeur"] = str(raw["financeur"]).strip()
                for _name, message in _field_errors(Organisation, {"nom": item["financeur"]}):
                    fault("financeur", message)
            try:
                item["dispositif"] = _choice(Dispositif.choices, raw.get("dispositif") or "")
            except ValueError:
                fault("dispositif", f"Dispositif inconnu : « {raw.get('dispositif')} ».")
            try:
                item["statut"] = _choice(StatutFinancement.choices, raw.get("statut") or "")
            except ValueError:
                fault("statut", f"Statut inconnu : « {raw.get('statut')} » (sollicité, accordé, refusé).")
            try:
                item["montant"] = parse_amount(raw.get("montant"))
                if item["montant"] < 0:
                    fault("montant", f"Montant négatif refusé : « {raw.get('montant')} ».")
            except ValueError:
                fault("montant", f"Montant illisible : « {raw.get('montant')} » (exemple : 1 200 000 €).")
            if not _blank(raw.get("date")):
                try:
                    item["date"] = parse_date(raw["date"])
                except ValueError:
                    fault("date", f"Date illisible : « {raw['date']} » (format attendu JJ/MM/AAAA).")
            if "montant" in item and item["montant"] >= 0:
                for _name, message in _field_errors(LigneFinancement, {"montant": item["montant"]}):
                    fault("montant", message)
            key = (item.get("fiche"), _norm(item.get("financeur", "")), item.get("dispositif"))
            if item.get("statut") and item["statut"] != "refuse" and None not in key:
                if key in seen_lines:
                    fault("financeur", f"Même financeur et même dispositif que la ligne {seen_lines[key]}.")
                seen_lines.setdefault(key, line)
            parsed.financements.append(item)
    if SHEET_BUDGETS in workbook.sheetnames:
        seen_years = {}
        for line, raw in _rows(workbook[SHEET_BUDGETS], BUDGET_COLUMNS, parsed):

            def fault(key, message, line=line):
                parsed.errors.append(ImportFault(SHEET_BUDGETS, line, LABELS[key], message))

            item = {"line": line}
            try:
                item["fiche"] = int(Decimal(str(raw.get("fiche")).strip()))
                if item["fiche"] not in known:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("fiche", f"Fiche « {raw.get('fiche')} » absente de la feuille Fiches.")
            try:
                item["annee"] = int(Decimal(str(raw.get("annee")).strip()))
                if not 2000 <= item["annee"] <= 2100:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("annee", f"Année invalide : « {raw.get('annee')} ».")
            for key in ("investissement", "fonctionnement"):
                try:
                    item[key] = parse_amount(raw.get(key) if not _blank(raw.get(key)) else 0)
                    if item[key] < 0:
                        fault(key, f"Montant négatif refusé : « {raw.get(key)} ».")
                except ValueError:
                    fault(key, f"Montant illisible : « {raw.get(key)} ».")
                else:
                    if item[key] >= 0:
                        for _name, message in _field_errors(BudgetAnnuel, {key: item[key]}):
                            fault(key, message)
            pair = (item.get("fiche"), item.get("annee"))
            if None not in pair:
                if pair in seen_years:
                    fault("annee", f"Cette année est déjà budgétée ligne {seen_years[pair]}.")
                seen_years.setdefault(pair, line)
            parsed.budgets.append(item)
    workbook.close()
    parsed.errors.sort(
        key=lambda e: (
            [SHEET_FICHES, SHEET_FINANCEMENTS, SHEET_BUDGETS, ""].index(e.sheet)
            if e.sheet in (SHEET_FICHES, SHEET_FINANCEMENTS, SHEET_BUDGETS, "")
            else 9,
            e.line,
        )
    )
    return parsed


class ImportRefused(Exception):
    def __init__(self, parsed: ParsedPlan):
        super().__init__("Import refusé")
        self.parsed = parsed


@transaction.atomic
def import_plan(*, dossier, content: bytes, by) -> list[FicheAction]:
    """All or nothing: every fiche, financing line and budget, or none when one fault remains."""
    parsed = parse_workbook(content, dossier)
    if not parsed.ok:
        raise ImportRefused(parsed)
    created: dict[int, FicheAction] = {}
    fiches = []
    try:
        for item in parsed.fiches:
            fiche = services.fiche_create(
                dossier=dossier,
                by=by,
                numero=item["numero"],
                axes=item["axes"],
                partenaires=item["partenaires"],
                nouveaux_partenaires=item["nouveaux_partenaires"],
                **item["fields"],
            )
            created[fiche.numero] = fiche
            fiches.append(fiche)
        # The funders: the existing ones in one query, each unknown name created once.
        funders = organisations_by_name([item["financeur"] for item in parsed.financements], dossier=dossier)
        for item in parsed.financements:
            financeur = funders.get(organisation_key(item["financeur"]))
            if financeur is None:
                financeur = organisation_get_or_create(
                    nom=item["financeur"], type=OrganisationType.AUTRE, dossier=dossier
                )
                funders[organisation_key(item["financeur"])] = financeur
            services.ligne_financement_create(
                fiche=created[item["fiche"]],
                by=by,
                financeur=financeur,
                dispositif=item["dispositif"],
                montant=item["montant"],
                statut=item["statut"],
                date=item.get("date"),
            )
        for item in parsed.budgets:
            services.budget_set(
                fiche=created[item["fiche"]],
                by=by,
                annee=item["annee"],
                investissement=item["investissement"],
                fonctionnement=item["fonctionnement"],
            )
    except ValidationError as error:
        parsed.errors.append(ImportFault("", 0, "", " ".join(error.messages)))
        transaction.set_rollback(True)
        raise ImportRefused(parsed) from error
    return fiches


def template_xlsx(dossier) -> bytes:
    """The empty template, with one example line and drop-down lists for the coded columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    for title, columns in (
        (SHEET_FICHES, FICHE_COLUMNS),
        (SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS),
        (SHEET_BUDGETS, BUDGET_COLUMNS),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([label for _, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i in range(len(columns)):
            sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = 20
        sheets[title] = sheet

    def dropdown(title, columns, key, labels):
        # The column's letter from its place in the column list, which may change.
        col = get_column_letter([k for k, _ in columns].index(key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        sheets[title].add_data_validation(validation)
        validation.add(f"{col}2:{col}1000")

    dropdown(SHEET_FICHES, FICHE_COLUMNS, "statut", Statut.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "maturite", Maturite.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "priorite", Priorite.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "inscrite_crte", ["oui", "non"])
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "confidentielle", ["oui", "non"])
    dropdown(SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS, "dispositif", Dispositif.labels)
    dropdown(SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS, "statut", StatutFinancement.labels)
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["Axes du dossier (colonne « Axes » : numéros séparés par des virgules)"])
    for axe in AxeStrategique.objects.filter(dossier=dossier):
        help_sheet.append([axe.numero, axe.titre])
    help_sheet.append([])
    help_sheet.append([])
    help_sheet.append(["Secteurs d'intervention du dossier (colonne « Secteur d'intervention » : le nom)"])
    for nom in SecteurIntervention.objects.filter(dossier=dossier).order_by("nom").values_list("nom", flat=True):
        help_sheet.append([nom])
        help_sheet.cell(row=help_sheet.max_row, column=1).data_type = "s"  # a name is never a formula
    help_sheet.append(["Partenaires : noms d'organisations séparés par « ; » (un nom inconnu est ajouté)."])
    help_sheet.append([])
    help_sheet.append(["Dates au format JJ/MM/AAAA ; montants en euros (1 200 000 € ou 1200000)."])
    help_sheet.append(["Laissez le numéro vide pour numéroter automatiquement."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
