"""Demo participation of Langres: a published page, a consultation and a dozen contributions."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Consultation, Contribution, PageParticipation

# (kind, theme, texte, auteur, email, statut, motif du refus, réponse)
CONTRIBUTIONS = [
    (
        "proposition",
        "commerce",
        "Ouvrir la halle le samedi matin pour un marché de producteurs locaux.",
        "Martine L.",
        "martine@exemple.fr",
        "publiee",
        "",
        "Merci : un marché de producteurs est à l'étude dans la fiche action halle.",
    ),
    (
        "avis",
        "espaces_publics",
        "La place Diderot manque d'ombre l'été : des arbres seraient bienvenus.",
        "",
        "",
        "publiee",
        "",
        "La végétalisation de la place fait partie du projet d'aménagement des espaces publics.",
    ),
    (
        "proposition",
        "mobilite",
        "Une navette entre la gare et le centre ancien, au moins aux heures de pointe.",
        "Paul R.",
        "paul@exemple.fr",
        "publiee",
        "",
        "",
    ),
    (
        "proposition",
        "habitat",
        "Aider les propriétaires à rénover les logements vacants au-dessus des commerces.",
        "Association Vieilles Maisons",
        "contact@vieilles-maisons.exemple.fr",
        "publiee",
        "",
        "Une opération programmée d'amélioration de l'habitat (OPAH-RU) est prévue avec l'Anah.",
    ),
    (
        "avis",
        "patrimoine",
        "Les remparts sont notre atout : mieux les signaler depuis l'autoroute.",
        "Hélène",
        "",
        "publiee",
        "",
        "",
    ),
    (
        "proposition",
        "services",
        "Une maison de santé en centre-ville plutôt qu'en périphérie.",
        "",
        "anonyme@exemple.fr",
        "publiee",
        "",
        "Le projet de maison de santé sera présenté au prochain comité de projet.",
    ),
    (
        "avis",
        "commerce",
        "Trop de vitrines vides rue Diderot : il faut agir sur les loyers.",
        "Un commerçant",
        "",
        "en_attente",
        "",
        "",
    ),
    (
        "proposition",
        "environnement",
        "Des jardins partagés au pied des remparts.",
        "Collectif Jardins",
        "jardins@exemple.fr",
        "en_attente",
        "",
        "",
    ),
    (
        "proposition",
        "mobilite",
        "Des arceaux à vélos devant la médiathèque et la mairie.",
        "Lucas",
        "",
        "en_attente",
        "",
        "",
    ),
    (
        "avis",
        "autre",
        "Achetez mes produits sur www.exemple-publicite.fr !!!",
        "Vendeur",
        "pub@exemple.fr",
        "refusee",
        "Message publicitaire sans rapport avec le projet.",
        "",
    ),
    (
        "avis",
        "habitat",
        "Le projet oublie les quartiers hors du centre ancien.",
        "Nadia",
        "nadia@exemple.fr",
        "publiee",
        "",
        "Le programme porte sur la centralité, mais le comité participatif est ouvert à tous les quartiers.",
    ),
    (
        "proposition",
        "espaces_publics",
        "Propos injurieux envers un élu.",
        "",
        "",
        "refusee",
        "Contribution contraire à la charte de participation (propos injurieux).",
        "",
    ),
]


@transaction.atomic
def seed(context) -> None:
    dossier, chef = context.dossier, context.chef
    page = PageParticipation.objects.filter(dossier=dossier).first()
    if page is None:
        services.page_update(
            dossier=dossier,
            publiee=True,
            titre="Participez au projet de Langres",
            introduction=(
                "Vos idées pour le centre-ville de Langres : propositions et avis sont lus par "
                "l'équipe-projet et publiés après modération."
            ),
            by=chef,
        )
    consultation = Consultation.objects.filter(dossier=dossier).first()
    if consultation is None:
        today = timezone.localdate()
        axe = _first(dossier, "axes")
        consultation = services.consultation_create(
            dossier=dossier,
            question="Quel centre-ville voulez-vous pour Langres en 2030 ?",
            description="Commerces, logements, espaces publics : dites-nous ce qui compte pour vous.",
            ouverture=today - datetime.timedelta(days=15),
            cloture=today + datetime.timedelta(days=45),
            axe=axe,
            by=chef,
        )
    fiche = _first(dossier, "fiches")
    for index, (kind, theme, texte, auteur, email, statut, motif, reponse) in enumerate(CONTRIBUTIONS):
        if Contribution.objects.filter(dossier=dossier, texte=texte).exists():
            continue
        contribution = services.contribution_submit(
            dossier=dossier,
            kind=kind,
            theme=theme,
            texte=texte,
            auteur=auteur,
            email=email,
            consultation=consultation if index % 2 == 0 else None,
            fiche=fiche if index == 0 else None,
        )
        if statut == "publiee":
            services.contribution_publish(contribution=contribution, by=chef)
        elif statut == "refusee":
            services.contribution_refuse(contribution=contribution, motif=motif, by=chef)
        if reponse:
            services.contribution_answer(contribution=contribution, reponse=reponse, by=chef)


def _first(dossier, related):
    """The dossier's first axe or public fiche action, if the other apps' demos made some."""
    manager = getattr(dossier, related, None)
    if manager is None:
        return None
    queryset = manager.all()
    if related == "fiches":
        queryset = queryset.visible_to(None)
    return queryset.order_by("pk").first()
