from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Decision, PointOrdreDuJour, Resultat
from .selectors import SOUMIS, validation_state


@transaction.atomic
def object_submit(*, dossier, target, titre: str, by, description: str = "") -> PointOrdreDuJour:
    """Submit an object of the dossier to the comité de projet: a point waiting for a séance."""
    if getattr(target, "dossier_id", None) != dossier.pk:
        raise ValidationError("Cet objet n'appartient pas au dossier.")
    state = validation_state(target)
    if state.code == SOUMIS:
        raise ValidationError("Cet objet est déjà soumis au comité de projet.")
    if state.code == "valide":
        raise ValidationError("Cet objet est déjà validé par le comité de projet.")
    point = PointOrdreDuJour(
        dossier=dossier,
        titre=titre,
        description=description,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        submitted_by=by,
    )
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def decision_record(*, point: PointOrdreDuJour, resultat: str, texte: str = "", by) -> Decision:
    if resultat not in Resultat.values:
        raise ValidationError({"resultat": "Résultat inconnu."})
    if point.seance_id is None:
        raise ValidationError("Le point doit être inscrit à l'ordre du jour d'une séance avant la décision.")
    if point.seance.instance.type != "comite_projet" and point.target_id is not None:
        raise ValidationError("Seul le comité de projet valide la stratégie, les documents et les fiches action.")
    if point.seance.compte_rendu_approuve_le:
        raise ValidationError("Le compte rendu de cette séance est approuvé : ses décisions ne peuvent plus changer.")
    if point.decisions.exists():
        raise ValidationError("Ce point a déjà fait l'objet d'une décision.")
    decision = Decision(point=point, resultat=resultat, texte=texte, recorded_by=by)
    decision.full_clean()
    decision.save()
    return decision
