"""Step 4 of the programme: axes stratégiques and périmètre ORT, validated by the comité de projet."""

from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE
from pvd.gouvernance.selectors import validation_state

from .models import ProjetTerritoire, SecteurKind
from .selectors import changed_since_validation


def strategie(dossier) -> tuple[str, str]:
    nb_axes = dossier.axes.count()
    has_ort = dossier.secteurs.filter(kind=SecteurKind.PERIMETRE_ORT).exists()
    projet = ProjetTerritoire.objects.filter(dossier=dossier).first()
    if not nb_axes and not has_ort and not (projet and projet.resume):
        return A_VENIR, "Aucun axe stratégique ni périmètre ORT."
    state = validation_state(projet) if projet is not None else None
    validated = state is not None and state.is_validated
    # A validation covers what the comité saw: a later change needs a new validation.
    changed = validated and changed_since_validation(projet, state, {})[0]
    parts = [f"{nb_axes} axe{'s' if nb_axes > 1 else ''} stratégique{'s' if nb_axes > 1 else ''}"]
    parts.append("périmètre ORT défini" if has_ort else "périmètre ORT à définir")
    if changed:
        parts.append("stratégie modifiée depuis sa validation par le comité de projet")
    else:
        parts.append("stratégie validée par le comité de projet" if validated else "stratégie non validée")
    detail = ", ".join(parts) + "."
    detail = detail[0].upper() + detail[1:]
    if nb_axes and has_ort and validated and not changed:
        return TERMINE, detail
    return EN_COURS, detail
