"""Reads of the conventions: a dossier's conventions, its deadline, and the content of the
generated documents (one plain data structure per document, rendered to DOCX and PDF)."""

import datetime
from decimal import Decimal

from django.db.models import F, Prefetch
from django.utils import timezone

from pvd.core.formatting import NBSP, date_fr, montant, nombre, pourcentage
from pvd.dossiers import deadline
from pvd.dossiers.models import Membre, Role
from pvd.territoires.models import OrganisationType
from pvd.territoires.names import de_commune, prefet_de

from .models import Convention, ConventionDocument, ConventionEtat, ConventionType, Signataire, lower_first
from .sections import ADHESION_SECTIONS, CADRE_SECTIONS  # noqa: F401 - re-exported

A_COMPLETER = "À compléter"


def dossier_departement(dossier):
    """The département whose préfet signs the dossier's conventions: that of its first commune by
    name (a dossier's communes are nearly always in one département)."""
    commune = dossier.communes.select_related("departement").order_by("nom", "code").first()
    return commune.departement if commune else None


def default_representant(organisation) -> str | None:
    """The placeholder of a required party's representative, set when the convention is created
    (« Le maire de Langres », « Le président ou la présidente », « Le préfet de la Haute-Marne »)
    until the chef de projet types the name; None for a partner. Reads `organisation.commune` and
    `organisation.departement` (select them with the signatories)."""
    from pvd.territoires.models import OrganisationType

    if organisation.kind == OrganisationType.COMMUNE and organisation.commune_id:
        return f"Le maire {de_commune(organisation.commune.nom)}"
    if organisation.kind == OrganisationType.EPCI:
        return "Le président ou la présidente"
    if organisation.kind == OrganisationType.ETAT and organisation.departement_id:
        return f"Le {prefet_de(organisation.departement)}"
    return None


def representant_a_completer(signataire) -> bool:
    """Whether the signatory's representative is still the placeholder set at creation (the
    function, not yet the person's name)."""
    return signataire.requis and signataire.representant == default_representant(signataire.organisation)


SIGNATAIRE_RELATED = ("organisation", "organisation__commune", "organisation__departement")


def conventions_of(dossier):
    return (
        Convention.objects.filter(dossier=dossier)
        .select_related("amende")
        .prefetch_related(Prefetch("signataires", queryset=Signataire.objects.select_related("organisation")))
        .order_by("created_at", "pk")
    )


def convention_detail(convention) -> dict:
    signataires = list(convention.signataires.select_related(*SIGNATAIRE_RELATED).order_by("ordre", "pk"))
    for signataire in signataires:
        signataire.a_completer = representant_a_completer(signataire)
    documents = list(
        ConventionDocument.objects.filter(convention=convention)
        .select_related("uploaded_by")
        .order_by("kind", "-version")
    )
    return {
        "signataires": signataires,
        "nb_signes": sum(1 for s in signataires if s.signe_le),
        "documents": documents,
        "avenants": list(convention.avenants.order_by("numero_avenant")),
        **signature_progress(convention, signataires),
    }


def comite_missing_signataires(instance, membres) -> list[tuple[str, str]]:
    """The signatories of the convention d'adhésion that have no representative among `membres`,
    the current members of the comité de projet `instance`: [(short, long)], as the gouvernance's
    composition check reads them (registered in `ConventionsConfig.ready`)."""
    organisations = {m.organisation_id for m in membres if m.organisation_id}
    signataires = Signataire.objects.filter(
        convention__dossier=instance.dossier, convention__kind=ConventionType.ADHESION
    ).select_related("organisation")
    missing = []
    for signataire in signataires:
        # The required signatories (communes, EPCI, State) are the executives and the préfet,
        # checked by the gouvernance itself.
        if not signataire.requis and signataire.organisation_id not in organisations:
            nom = signataire.organisation.nom
            missing.append(
                (f"un représentant de {nom}", f"Un représentant de {nom}, signataire de la convention d'adhésion")
            )
    return missing


def signature_progress(convention, signataires, *, communes=None) -> dict:
    """Who still has to sign: `a_signer`, the required signatories without a signature, and
    `parties_absentes`, the required parties (communes, EPCI) that have no signatory yet; both
    empty once the convention is signée or résiliée."""
    if convention.etat in (ConventionEtat.SIGNEE, ConventionEtat.RESILIEE):
        return {"a_signer": [], "parties_absentes": []}
    required = [s for s in signataires if s.requis] or signataires
    a_signer = [s.organisation.nom for s in required if not s.signe_le]
    return {"a_signer": a_signer, "parties_absentes": absent_parties(convention, signataires, communes=communes)}


def absent_parties(convention, signataires, *, communes=None) -> list[str]:
    """The required parties (each commune bénéficiaire, the EPCI) that have no signatory on the
    convention yet: while there is one, the convention cannot be signée. `communes`: the
    dossier's communes by name, when the caller has them (one query for several conventions)."""
    from pvd.territoires.models import OrganisationType
    from pvd.territoires.names import commune_de

    present_communes = {
        s.organisation.commune_id for s in signataires if s.requis and s.organisation.kind == OrganisationType.COMMUNE
    }
    epci_present = any(s.requis and s.organisation.kind == OrganisationType.EPCI for s in signataires)
    dossier = convention.dossier
    communes = dossier.communes.order_by("nom") if communes is None else communes
    absentes = [commune_de(c.nom) for c in communes if c.pk not in present_communes]
    if not epci_present:
        absentes.append(dossier.epci.nom)
    return absentes


def _signature_dates(dossier) -> dict[str, datetime.date | None]:
    # A résiliée convention counts as none (a new one of the same type may exist beside it).
    rows = (
        Convention.objects.filter(dossier=dossier, kind__in=[ConventionType.ADHESION, ConventionType.CADRE])
        .exclude(etat=ConventionEtat.RESILIEE)
        .values_list("kind", "date_signature")
    )
    return dict(rows)


def echeance_for(dossier, *, today: datetime.date | None = None) -> deadline.Echeance:
    dates = _signature_dates(dossier)
    return deadline.echeance(
        adhesion_signed_on=dates.get(ConventionType.ADHESION),
        cadre_signed_on=dates.get(ConventionType.CADRE),
        today=today or timezone.localdate(),
    )


def dossier_ids_with_echeance(dossier_qs, state: str, *, today: datetime.date | None = None) -> list[int]:
    """Pks of the dossiers of `dossier_qs` whose deadline is in `state` — one query whatever their number."""
    today = today or timezone.localdate()
    rows = (
        Convention.objects.filter(
            dossier__in=dossier_qs.values("pk"), kind__in=[ConventionType.ADHESION, ConventionType.CADRE]
        )
        .exclude(etat=ConventionEtat.RESILIEE)
        .values_list("dossier_id", "kind", "date_signature")
    )
    dates: dict[int, dict] = {}
    for dossier_id, type_, signed in rows:
        dates.setdefault(dossier_id, {})[type_] = signed
    return [
        dossier_id
        for dossier_id, by_type in dates.items()
        if deadline.echeance(
            adhesion_signed_on=by_type.get(ConventionType.ADHESION),
            cadre_signed_on=by_type.get(ConventionType.CADRE),
            today=today,
        ).state
        == state
    ]


# --- Generated documents -------------------------------------------------------------------


def _or(text) -> str:
    text = (text or "").strip() if isinstance(text, str) else text
    return text or A_COMPLETER


def _representation(signataire, default: str) -> str:
    """ "représentée par Anne Rousseau, maire, autorisée par délibération du 24/11/2022"; the
    `default` (« représentée par son maire ») while the name is not known, that is without a
    signatory or with the placeholder set at creation."""
    if signataire is None:
        return default
    if representant_a_completer(signataire):
        text = default
    else:
        text = f"représentée par {signataire.representant}, {lower_first(signataire.qualite)}"
    if signataire.date_deliberation:
        text += f", autorisée par délibération du {date_fr(signataire.date_deliberation, empty=A_COMPLETER)}"
    return text


def _dossier_parties(dossier, convention=None) -> dict:
    """The parties as the ANCT canevas names them: the collectivités bénéficiaires (communes,
    EPCI) d'une part; the State and the partners d'autre part."""
    from pvd.territoires.models import OrganisationType

    signataires = (
        list(convention.signataires.select_related(*SIGNATAIRE_RELATED).order_by("ordre", "pk")) if convention else []
    )
    by_commune = {s.organisation.commune_id: s for s in signataires if s.organisation.kind == OrganisationType.COMMUNE}
    epci = next((s for s in signataires if s.requis and s.organisation.kind == OrganisationType.EPCI), None)
    etat = next((s for s in signataires if s.requis and s.organisation.kind == OrganisationType.ETAT), None)
    communes = list(dossier.communes.select_related("departement").order_by("nom", "code"))
    collectivites = [
        {
            "nom": f"La commune {de_commune(c.nom)}",
            "representation": _representation(by_commune.get(c.pk), "représentée par son maire"),
        }
        for c in communes
    ]
    collectivites.append(
        {"nom": dossier.epci.nom, "representation": _representation(epci, "représentée par son président")}
    )
    departement = dossier_departement(dossier)
    prefet = f"le {prefet_de(departement)}" if departement else "le préfet"
    required = {id(s) for s in (etat, epci, *by_commune.values()) if s is not None}
    partenaires = [
        {"nom": s.organisation.nom, "representation": _representation(s, "")}
        for s in signataires
        if id(s) not in required and not s.requis
    ]
    return {
        "collectivites": collectivites,
        "etat": {"nom": "L'État", "representation": f"représenté par {prefet}"},
        "partenaires": partenaires,
    }


def _signatures(convention) -> list[dict]:
    if convention is None:
        return []
    return [
        {
            "organisation": s.organisation.nom,
            # The placeholder (« Le maire de Langres ») names the function, already said by the
            # qualité: the person's name is to complete.
            "representant": A_COMPLETER if representant_a_completer(s) else _or(s.representant),
            "qualite": _or(s.qualite),
            "date_deliberation": date_fr(s.date_deliberation),
            "engagements": _or(s.engagements),
            "signe_le": date_fr(s.signe_le),
        }
        for s in convention.signataires.select_related(*SIGNATAIRE_RELATED).order_by("ordre", "pk")
    ]


def _chef_de_projet(dossier) -> str:
    membre = (
        Membre.objects.filter(dossier=dossier, role=Role.CHEF_DE_PROJET)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    if membre is None:
        return A_COMPLETER
    name = membre.user.get_full_name() or membre.user.email
    return f"{name} ({membre.user.email})"


def _membre_label(membre) -> str:
    """ "Nom, fonction — Organisation (rôle)", the parts that are known."""
    label = membre.nom
    if membre.fonction:
        label += f", {membre.fonction}"
    if membre.organisation_id:
        label += f" — {membre.organisation.nom}"
    return f"{label} ({membre.get_role_display()})"


def _comite_de_projet(dossier) -> dict:
    from pvd.gouvernance.models import Instance, InstanceType, MembreInstance

    instance = Instance.objects.filter(dossier=dossier, kind=InstanceType.COMITE_PROJET).first()
    if instance is None:
        return {"nom": A_COMPLETER, "description": "", "membres": []}
    membres = MembreInstance.objects.filter(instance=instance).select_related("organisation")
    return {
        "nom": instance.nom,
        "description": instance.description,
        "membres": [_membre_label(m) for m in membres.order_by("role", "nom", "pk")],
    }


def _diagnostic(dossier, convention) -> dict:
    """Article 2, built from the diagnostic (pvd.diagnostic): its synthesis, key figures with
    their source and vintage, a few items of each AFOM category, its validation. A dossier whose
    diagnostic has no synthesis yet reads the text typed on the convention-cadre before the
    diagnostic existed (`Convention.synthese_diagnostic`, no longer editable), else « À compléter »."""
    from pvd.diagnostic.selectors_export import convention_summary

    summary = convention_summary(dossier)
    if summary is None:
        return {
            "synthese": _or(convention.synthese_diagnostic if convention else ""),
            "chiffres": [],
            "afom": [],
            "validation": "Diagnostic non encore validé par le comité de projet.",
        }
    state = summary["validation"]
    if state is not None and state.is_validated:
        validation = f"Diagnostic validé par le comité de projet le {date_fr(state.date)}."
    else:
        validation = "Diagnostic non encore validé par le comité de projet."
    return {**summary, "validation": validation}


def _projet_territoire(dossier) -> str:
    from pvd.strategie.models import ProjetTerritoire

    projet = ProjetTerritoire.objects.filter(dossier=dossier).first()
    return _or(projet.resume if projet else "")


def _secteurs(dossier) -> dict:
    from pvd.strategie.models import SecteurIntervention

    secteurs = list(
        SecteurIntervention.objects.filter(dossier=dossier).select_related("commune").order_by("kind", "nom", "pk")
    )
    liste = [
        {
            "nom": secteur.nom,
            "type": secteur.get_kind_display(),
            "commune": secteur.commune.nom,
            "surface": f"{nombre(round(Decimal(secteur.surface_ha), 2))}{NBSP}ha",
        }
        for secteur in secteurs
    ]
    polygons = _map_polygons([(s.nom, s.geometry) for s in secteurs])
    return {"liste": liste, "polygones": polygons, "carte_svg": _svg_map(polygons)}


def _rings(geometry) -> list[list]:
    if isinstance(geometry, str):
        import json

        try:
            geometry = json.loads(geometry)
        except ValueError:
            return []
    if not isinstance(geometry, dict):
        return []
    kind = geometry.get("type")
    if kind == "FeatureCollection":
        return [ring for feature in geometry.get("features", []) for ring in _rings(feature)]
    if kind == "Feature":
        return _rings(geometry.get("geometry"))
    if kind == "Polygon":
        return [geometry.get("coordinates", [[]])[0]]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in geometry.get("coordinates", []) if polygon]
    return []


MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 480.0, 320.0, 10.0
MAP_COLOURS = ["#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4"]


def _map_polygons(shapes) -> list[dict]:
    """The sectors' outer rings in the pixels of a MAP_WIDTH × MAP_HEIGHT map (equirectangular
    projection fitted to the sectors), one colour per sector: what the SVG of the PDF and the
    PNG of the DOCX both draw."""
    import math

    drawn = []
    for nom, geometry in shapes:
        rings = [r for r in _rings(geometry) if len(r) >= 3]
        if rings:
            drawn.append((nom, rings))
    points = [p for _, rings in drawn for ring in rings for p in ring]
    if not points:
        return []
    try:
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    except (TypeError, ValueError, IndexError):
        return []
    kx = math.cos(math.radians(sum(ys) / len(ys)))
    span_x, span_y = max((max(xs) - min(xs)) * kx, 1e-9), max(max(ys) - min(ys), 1e-9)
    scale = min((MAP_WIDTH - 2 * MAP_MARGIN) / span_x, (MAP_HEIGHT - 2 * MAP_MARGIN) / span_y)
    polygons = []
    for index, (nom, rings) in enumerate(drawn):
        for ring in rings:
            pixels = [
                (
                    round(MAP_MARGIN + (float(x) - min(xs)) * kx * scale, 1),
                    round(MAP_HEIGHT - MAP_MARGIN - (float(y) - min(ys)) * scale, 1),
                )
                for x, y, *_ in ring
            ]
            polygons.append({"nom": nom, "colour": MAP_COLOURS[index % len(MAP_COLOURS)], "pixels": pixels})
    return polygons


def _svg_map(polygons: list[dict]) -> str:
    """Inline SVG of the map polygons, or "" when there are none."""
    if not polygons:
        return ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH:.0f} {MAP_HEIGHT:.0f}" '
        f'width="{MAP_WIDTH:.0f}" height="{MAP_HEIGHT:.0f}" role="img" '
        f'aria-label="Carte du périmètre ORT et des secteurs d\'intervention">'
    ]
    for polygon in polygons:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in polygon["pixels"])
        parts.append(
            f'<polygon points="{coords}" fill="{polygon["colour"]}" fill-opacity="0.2" stroke="{polygon["colour"]}">'
            f"<title>{_xml(polygon['nom'])}</title></polygon>"
        )
    parts.append("</svg>")
    return "".join(parts)


def png_map(polygons: list[dict]) -> bytes:
    """The same map as a PNG (for the DOCX, which cannot hold SVG); deterministic bytes."""
    import io

    from PIL import Image, ImageDraw

    factor = 2  # drawn at twice the size for print
    image = Image.new("RGB", (int(MAP_WIDTH) * factor, int(MAP_HEIGHT) * factor), "white")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for polygon in polygons:
        colour = tuple(int(polygon["colour"][i : i + 2], 16) for i in (1, 3, 5))
        pixels = [(x * factor, y * factor) for x, y in polygon["pixels"]]
        draw.polygon(pixels, fill=(*colour, 50), outline=(*colour, 255), width=2 * factor)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


PREAMBULE = (
    "Le programme Petites villes de demain vise à donner aux élus des communes de moins de 20 000 habitants "
    "qui exercent des fonctions de centralité les moyens de concrétiser leurs projets de territoire. "
    "Il s'inscrit dans le Contrat de relance et de transition écologique (CRTE) du territoire, qu'il enrichit "
    "sans constituer un outil de contractualisation supplémentaire : les actions de la présente convention "
    "ont vocation à être inscrites au CRTE."
)
OBJET_CADRE = (
    "La présente convention-cadre formalise le projet de territoire des collectivités bénéficiaires et vaut "
    "opération de revitalisation de territoire (ORT) au sens de l'article L. 303-2 du code de la construction "
    "et de l'habitation. Elle précise la stratégie de revitalisation, le plan d'action et les engagements "
    "respectifs des partenaires."
)
OBJET_ADHESION = (
    "La présente convention a pour objet d'acter l'engagement des collectivités bénéficiaires et de l'État "
    "dans le programme Petites villes de demain, et d'engager l'élaboration du projet de territoire."
)


def _convention(dossier, type_):
    """The dossier's current convention of `type_` (a résiliée one is no longer generated)."""
    return Convention.objects.filter(dossier=dossier, kind=type_).exclude(etat=ConventionEtat.RESILIEE).first()


def convention_cadre_content(dossier) -> dict:
    """Everything the convention-cadre says, read from the live dossier; empty parts say "À compléter"."""
    from pvd.strategie.models import AxeStrategique
    from pvd.suivi.models import Indicateur

    convention = _convention(dossier, ConventionType.CADRE)
    adhesion = _convention(dossier, ConventionType.ADHESION)

    # Indicators of the strategy, then of the fiches shown in the convention (no confidential one).
    indicateurs = list(
        Indicateur.objects.filter(dossier=dossier)
        .visible_to(None)
        .select_related("axe", "fiche")
        .order_by(F("fiche__numero").asc(nulls_first=True), "axe__numero", "nom", "pk")
    )
    axes = []
    for axe in AxeStrategique.objects.filter(dossier=dossier).order_by("ordre", "numero", "pk"):
        axes.append(
            {
                "numero": axe.numero,
                "titre": axe.titre,
                "enjeux": _or(axe.enjeux),
                "indicateurs": [i.nom for i in indicateurs if i.axe_id == axe.pk],
            }
        )

    # The maquette financière is the plan d'action's (pvd.actions), without confidential fiches.
    from pvd.actions import selectors as actions_selectors
    from pvd.actions.finance import plan_financement
    from pvd.actions.models import FicheAction, FicheStatut, StatutFinancement
    from pvd.gouvernance.selectors import validation_states

    # The comité de projet's word on each fiche: validated fiches make the plan d'action, the
    # fiches not yet validated are projets en maturation, ajournées and rejetées stay out.
    all_fiches = actions_selectors.fiches_with_finance(dossier)
    states = validation_states(all_fiches)
    # An ajournée or rejected fiche is not part of the plan, nor an abandoned one (the maquette
    # leaves abandoned fiches out of its totals: the convention's totals must agree with it).
    fiche_list = [f for f in all_fiches if states[f.pk].code not in ECARTEES and f.statut != FicheStatut.ABANDONNE]
    fiches = []
    for fiche in fiche_list:
        lignes = [ligne for ligne in fiche.financements.all() if ligne.statut != StatutFinancement.REFUSE]
        fiche_axes = list(fiche.axes.all())
        state = states[fiche.pk]
        maitre_ouvrage = fiche.maitre_ouvrage.nom if fiche.maitre_ouvrage_id else fiche.maitre_ouvrage_texte
        fiches.append(
            {
                "numero": fiche.numero,
                "titre": fiche.titre,
                "validation": (
                    f"validée par le comité de projet le {date_fr(state.date, empty=A_COMPLETER)}"
                    if state.is_validated and state.date
                    else state.label.lower()
                ),
                "description": _or(fiche.description),
                "objectifs": _or(fiche.objectifs),
                "maitre_ouvrage": _or(maitre_ouvrage),
                "axes": ", ".join(f"Axe {a.numero}" for a in fiche_axes) or A_COMPLETER,
                "statut": fiche.get_statut_display(),
                "maturite": fiche.get_maturite_display(),
                "secteur": fiche.secteur.nom if fiche.secteur_id else A_COMPLETER,
                "debut": date_fr(fiche.date_debut, empty=A_COMPLETER),
                "fin": date_fr(fiche.date_fin, empty=A_COMPLETER),
                "cout": montant(fiche.cout_ht, True, empty=A_COMPLETER),
                "financeurs": ", ".join(sorted({ligne.financeur.nom for ligne in lignes})) or A_COMPLETER,
                "financements": [
                    {
                        "financeur": ligne.financeur.nom,
                        "dispositif": ligne.get_dispositif_display(),
                        "montant": montant(ligne.montant, True, empty=A_COMPLETER),
                        "statut": ligne.get_statut_display().lower(),
                    }
                    for ligne in lignes
                ],
            }
        )
    confidentielles = list(
        FicheAction.objects.filter(dossier=dossier)
        .hidden_from(None)
        .order_by("numero")
        .values_list("numero", flat=True)
    )
    ecartees = [
        (f.numero, f"{states[f.pk].label.lower()} par le comité de projet")
        if states[f.pk].code in ECARTEES
        else (f.numero, "abandonnée")
        for f in all_fiches
        if states[f.pk].code in ECARTEES or f.statut == FicheStatut.ABANDONNE
    ]
    validated = {f.numero for f in fiche_list if states[f.pk].is_validated}
    # The plan's tables show a fiche's summary; the annex its detail (the funders line by line).
    table_keys = ("numero", "titre", "axes", "statut", "cout", "financeurs")
    plan = {
        "validees": [{k: f[k] for k in table_keys} for f in fiches if f["numero"] in validated],
        "en_maturation": [{k: f[k] for k in table_keys} for f in fiches if f["numero"] not in validated],
        "numerotation": _numerotation(confidentielles, ecartees),
    }
    tables = {table.key: table for table in actions_selectors.maquette(dossier, fiches=fiche_list)}
    cout_total = sum((fiche.cout_ht or Decimal(0) for fiche in fiche_list), Decimal(0))
    financement = plan_financement(cout_total, [ligne for fiche in fiche_list for ligne in fiche.financements.all()])

    def rows(table, names: tuple[str, ...], *, keep_unfunded=False) -> list[dict]:
        """A maquette table's rows as text, columns named in order (the refusé column left out)."""
        out = []
        for label, values in table.rows:
            named = dict(zip(names, values, strict=False))
            if keep_unfunded or named["accorde"] + named["sollicite"]:
                amounts = {name: montant(value, True, empty=A_COMPLETER) for name, value in named.items()}
                out.append({"label": label, **amounts})
        return out

    maquette = {
        "cout_total": montant(cout_total, True, empty=A_COMPLETER),
        "accorde": montant(financement.accorde, True, empty=A_COMPLETER),
        "sollicite": montant(financement.sollicite, True, empty=A_COMPLETER),
        "reste_a_financer": montant(financement.reste_a_financer, True, empty=A_COMPLETER),
        "reste_a_trouver": montant(financement.reste_a_trouver, True, empty=A_COMPLETER),
        "taux_accorde": (pourcentage(financement.taux_accorde, empty=A_COMPLETER)),
        "par_axe": rows(tables["axes"], ("cout", "accorde", "sollicite"), keep_unfunded=True),
        "par_financeur": rows(tables["financeurs"], ("accorde", "sollicite")),
        "par_dispositif": rows(tables["dispositifs"], ("accorde", "sollicite")),
    }

    suivi = [
        {
            "nom": i.nom,
            "rattachement": (
                f"Axe {i.axe.numero}"
                if i.axe_id
                else f"Fiche action n° {i.fiche.numero}"
                if i.fiche_id
                else "Projet de territoire"
            ),
            "type": i.get_kind_display(),
            "unite": i.unite,
            # Baseline and target each with its date: « 14,2 au 01/01/2021 », « 10 au 31/12/2030 ».
            "reference": _valeur_datee(i.valeur_initiale, i.date_initiale),
            "objectif": _valeur_datee(i.cible, i.echeance),
            "frequence": i.get_frequence_display().lower(),
        }
        for i in indicateurs
    ]
    ech = echeance_for(dossier)
    duree = convention.duree_annees if convention else None
    signataires = _signatures(convention)
    communes = list(dossier.communes.order_by("nom", "code"))
    signed_on = convention.date_signature if convention else None
    return {
        "titre": "Convention-cadre Petites villes de demain valant opération de revitalisation de territoire",
        "dossier": dossier.nom,
        "communes": ", ".join(c.nom for c in communes) or A_COMPLETER,
        "epci": dossier.epci.nom,
        "parties": _dossier_parties(dossier, convention),
        "signataires": signataires,
        "preambule": PREAMBULE,
        "adhesion_signee_le": date_fr(adhesion.date_signature if adhesion else None, empty=A_COMPLETER),
        "echeance": date_fr(ech.due, empty=A_COMPLETER),
        "objet": convention.objet if convention and convention.objet else OBJET_CADRE,
        "diagnostic": _diagnostic(dossier, convention),
        "projet_territoire": _projet_territoire(dossier),
        "axes": axes,
        "secteurs": _secteurs(dossier),
        "plan": plan,
        "fiches": fiches,
        "maquette": maquette,
        "ingenierie": _ingenierie(dossier, convention),
        "gouvernance": {"comite": _comite_de_projet(dossier), "chef_de_projet": _chef_de_projet(dossier)},
        "indicateurs": suivi,
        "evaluation": _evaluation(indicateurs),
        "duree": f"{duree} ans" if duree else A_COMPLETER,
        "entree_en_vigueur": _entree_en_vigueur(signed_on, duree),
        "evolution": EVOLUTION,
        "resiliation": RESILIATION,
        "litiges": LITIGES,
        "fait_a": _fait_a(communes, signed_on, len(signataires)),
        "a_completer": A_COMPLETER,
    }


def _valeur_datee(value, day) -> str:
    """A value with its date, each « À compléter » when missing."""
    if value is None:
        return A_COMPLETER
    return f"{nombre(value)} au {date_fr(day, empty='(date à compléter)')}"


def _evaluation(indicateurs) -> dict:
    """Article 10's evaluation calendar and bilan annuel (point 11 of issue 13): when each
    indicator is measured (its frequency, the strategy's first), the yearly review and the comité
    de projet's reviews. The bilan annuel belongs to a higher layer (pvd.pilotage): it is named
    here as text, never imported."""
    from pvd.suivi.models import Frequence

    par_frequence = {value: [] for value in Frequence.values}
    for i in indicateurs:  # already in order: the strategy's, then the fiches'
        par_frequence[i.frequence].append(i.nom)
    calendrier = [f"{FREQUENCES_TEXTE[value]} : {', '.join(noms)}." for value, noms in par_frequence.items() if noms]
    calendrier += [BILAN_CALENDRIER, COMITE_CALENDRIER]
    return {"calendrier": calendrier, "bilan": BILAN_ANNUEL}


FREQUENCES_TEXTE = {
    "mensuelle": "Indicateurs mesurés chaque mois",
    "trimestrielle": "Indicateurs mesurés chaque trimestre",
    "semestrielle": "Indicateurs mesurés chaque semestre",
    "annuelle": "Indicateurs mesurés chaque année",
    "ponctuelle": "Indicateurs mesurés ponctuellement (à l'échéance de la cible)",
}
BILAN_CALENDRIER = (
    "Chaque année, au cours du premier trimestre : bilan annuel de l'année écoulée, soumis au comité de projet."
)
COMITE_CALENDRIER = (
    "À chacune de ses séances : le comité de projet examine l'avancement du plan d'action et des indicateurs ; "
    "les chiffres du programme sont relevés à la fin de chaque trimestre pour en suivre l'évolution."
)
BILAN_ANNUEL = (
    "Chaque année, le chef de projet établit le bilan annuel du programme : avancement des fiches action "
    "(statut, étapes réalisées et prévues, retards), valeurs des indicateurs au regard de leur valeur de "
    "référence et de leur cible, budget prévu et financements obtenus, décisions du comité de projet, et son "
    "appréciation de l'année. Le bilan est soumis au comité de projet, qui en tire les ajustements du plan "
    "d'action ; il est transmis aux signataires de la présente convention."
)


# Fiches the comité de projet ajourned or rejected: not part of the plan d'action.
ECARTEES = {"ajourne", "rejete"}
EVOLUTION = (
    "Toute évolution de l'économie générale de la convention, de ses orientations ou de sa durée fait "
    "l'objet d'un avenant, signé par les parties après avis du comité de projet. Une fiche action nouvelle "
    "ou modifiée entre dans le plan d'action une fois validée par le comité de projet ; elle est annexée à "
    "la convention lors de sa prochaine mise à jour."
)
RESILIATION = (
    "La présente convention peut être résiliée d'un commun accord entre les parties, ou à la demande de "
    "l'une d'elles par lettre recommandée avec accusé de réception adressée aux autres parties, moyennant "
    "un préavis de trois mois. La résiliation ne remet pas en cause les engagements déjà pris pour les "
    "actions engagées à sa date."
)
LITIGES = (
    "Les parties s'efforcent de régler à l'amiable tout différend relatif à l'interprétation ou à "
    "l'exécution de la présente convention. À défaut d'accord, le litige est porté devant le tribunal "
    "administratif territorialement compétent."
)


def _numerotation(confidentielles: list[int], ecartees: list[tuple[int, str]]) -> str:
    """Why numbers are missing from the list of fiches: the fiches keep the numbers of the
    dossier's plan d'action, and the ones left out are said, never skipped silently."""
    parts = []
    if confidentielles:
        numeros = ", ".join(f"n° {n}" for n in confidentielles)
        plural = "s" if len(confidentielles) > 1 else ""
        parts.append(f"{numeros} : fiche{plural} confidentielle{plural}, non publiée{plural}")
    for numero, label in ecartees:
        parts.append(f"n° {numero} : fiche {label}, hors du plan d'action")
    if not parts:
        return ""
    return (
        "Les fiches action gardent le numéro du plan d'action du dossier. Ne figurent pas dans la présente "
        f"convention : {' ; '.join(parts)}."
    )


def _entree_en_vigueur(signed_on, duree) -> str:
    text = "La présente convention entre en vigueur à la date de sa signature par l'ensemble des parties"
    if signed_on:
        text += f", le {date_fr(signed_on, empty=A_COMPLETER)}"
    text += f". Elle est conclue pour une durée de {f'{duree} ans' if duree else A_COMPLETER}"
    if signed_on and duree:
        try:
            end = signed_on.replace(year=signed_on.year + duree)
        except ValueError:  # 29 February
            end = signed_on.replace(year=signed_on.year + duree, day=28)
        text += f", soit jusqu'au {date_fr(end, empty=A_COMPLETER)}"
    return text + ". Elle peut être prolongée par avenant."


def _fait_a(communes, signed_on, nb_signataires) -> dict:
    """ "Fait à Langres, le 05/12/2022, en 4 exemplaires originaux" (blank to fill by hand)."""
    blank = "……………"
    return {
        "lieu": communes[0].nom if communes else blank,
        "date": date_fr(signed_on, empty=blank),
        "exemplaires": f"{nb_signataires} exemplaires originaux" if nb_signataires > 1 else "un exemplaire original",
    }


INGENIERIE_TYPES = {
    OrganisationType.ANCT,
    OrganisationType.BANQUE_TERRITOIRES,
    OrganisationType.CEREMA,
    OrganisationType.ANAH,
}


def _ingenierie(dossier, convention) -> dict:
    """The chef de projet and the partners of the programme's ingénierie (ANCT, Banque des
    Territoires, Cerema, Anah) among the signatories, with their commitments."""
    appuis = []
    if convention is not None:
        for s in convention.signataires.select_related("organisation").order_by("ordre", "pk"):
            if s.organisation.kind in INGENIERIE_TYPES:
                appuis.append({"nom": s.organisation.nom, "engagements": _or(s.engagements)})
    return {
        "chef_de_projet": _chef_de_projet(dossier),
        "texte": (
            "Les collectivités bénéficiaires s'appuient sur un chef de projet Petites villes de demain, dont "
            "le poste peut être cofinancé par l'État et les partenaires du programme, et sur l'offre "
            "d'ingénierie de l'ANCT et de ses partenaires, mobilisée à la demande du comité de projet."
        ),
        "appuis": appuis,
    }


def convention_adhesion_content(dossier) -> dict:
    convention = _convention(dossier, ConventionType.ADHESION)
    duree = convention.duree_annees if convention else None
    signataires = _signatures(convention)
    return {
        "titre": "Convention d'adhésion au programme Petites villes de demain",
        "dossier": dossier.nom,
        "communes": ", ".join(c.nom for c in dossier.communes.order_by("nom")) or A_COMPLETER,
        "epci": dossier.epci.nom,
        "parties": _dossier_parties(dossier, convention),
        "signataires": signataires,
        "preambule": PREAMBULE,
        "objet": convention.objet if convention and convention.objet else OBJET_ADHESION,
        "chef_de_projet": _chef_de_projet(dossier),
        "comite": _comite_de_projet(dossier),
        "duree": f"{duree} ans" if duree else A_COMPLETER,
        "fait_a": _fait_a(
            list(dossier.communes.order_by("nom", "code")),
            convention.date_signature if convention else None,
            len(signataires),
        ),
        "a_completer": A_COMPLETER,
    }
