"""Step 4 of the programme: axes stratégiques and périmètre ORT, validated by the comité de projet."""

from django.urls import reverse

from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action
from pvd.gouvernance.selectors import validation_state
from pvd.gouvernance.steps import waiting_action

from .models import ProjetTerritoire, SecteurKind
from .selectors import changed_since_validation


def _url(name, dossier) -> str:
    return reverse(f"strategie:{name}", kwargs={"dossier_pk": dossier.pk})


def _action(dossier, access, *, nb_axes, has_ort, state, changed):
    """What comes next, in the order of the work: the axes, the périmètre, the comité."""
    read = ("Voir la stratégie", _url("index", dossier))
    if not nb_axes:
        return next_action(access, "strategie.edit", "Saisir les axes stratégiques", _url("axe_create", dossier))
    if not has_ort:
        return next_action(
            access, "strategie.edit", "Définir le périmètre ORT", _url("secteur_create", dossier), read=read
        )
    if state is not None and state.is_validated and not changed:
        return None
    waiting = (
        None
        if state is None
        else waiting_action(
            dossier,
            access,
            [state],
            waiting="La stratégie attend le comité de projet",
            inscrire="Inscrire la stratégie à une séance du comité de projet",
        )
    )
    text = (
        "Soumettre de nouveau la stratégie au comité de projet"
        if changed
        else ("Soumettre la stratégie au comité de projet")
    )
    return waiting or next_action(access, "strategie.edit", text, _url("index", dossier), read=read)


def strategie(dossier, access=None):
    nb_axes = dossier.axes.count()
    has_ort = dossier.secteurs.filter(kind=SecteurKind.PERIMETRE_ORT).exists()
    projet = ProjetTerritoire.objects.filter(dossier=dossier).first()
    if not nb_axes and not has_ort and not (projet and projet.resume):
        action = next_action(access, "strategie.edit", "Saisir les axes stratégiques", _url("axe_create", dossier))
        return A_VENIR, "Aucun axe stratégique ni périmètre ORT.", action
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
    action = _action(dossier, access, nb_axes=nb_axes, has_ort=has_ort, state=state, changed=changed)
    if nb_axes and has_ort and validated and not changed:
        return TERMINE, detail, action
    return EN_COURS, detail, action
