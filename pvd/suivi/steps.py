"""Step 8 of the dossier home: suivi et évaluation.

The rule, read from the measured values of the dossier's indicators that the viewer sees (a
confidential fiche's indicators count only for the équipe-projet):
- « à venir » while no value has been entered on any indicator;
- « en cours » as soon as one value has been entered (monitoring is a continuous collection:
  the step lasts as long as the programme);
- never « terminée »: the step ends with the programme itself, which the platform does not
  record yet (a dossier's closing does not end it either).

The next action is « Saisir les valeurs des indicateurs » (the saisie grid) for who may enter
the values of at least one indicator (`rules`), or, while the dossier has no indicator, « Définir
les indicateurs » (the stratégie) for who may edit it. Three queries at most, whatever the data.
"""

from django.db.models import Count, Max
from django.urls import reverse

from pvd.core.formatting import date_fr
from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, NextAction, next_action

from .models import Indicateur, Mesure
from .rules import enterable, may_enter_some

ACTION = "Saisir les valeurs des indicateurs"


def suivi(dossier, access=None):
    indicateurs = Indicateur.objects.visible_to(access).filter(dossier=dossier)
    total = indicateurs.count()
    if not total:
        url = reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})
        return (
            A_VENIR,
            "Aucun indicateur de suivi.",
            next_action(access, "strategie.edit", "Définir les indicateurs de la stratégie", url),
        )
    figures = Mesure.objects.filter(indicateur__in=indicateurs).aggregate(
        valeurs=Count("pk"), suivis=Count("indicateur", distinct=True), derniere=Max("date")
    )
    action = None
    if may_enter_some(access) and enterable(indicateurs, access).exists():
        action = NextAction(ACTION, reverse("suivi:grille", kwargs={"dossier_pk": dossier.pk}))
    if not figures["valeurs"]:
        return A_VENIR, f"{plural(total, 'indicateur', 'indicateurs')}, aucune valeur saisie.", action
    detail = (
        f"{plural(figures['valeurs'], 'valeur saisie', 'valeurs saisies')} sur "
        f"{figures['suivis']} des {plural(total, 'indicateur', 'indicateurs')} ; "
        f"dernière mesure au {date_fr(figures['derniere'])}."
    )
    return EN_COURS, detail, action
