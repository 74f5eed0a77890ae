"""Demo governance of Langres: comité de projet, équipe-projet, comités technique and participatif,
three séances of the comité: two held, with approved minutes and decisions, and one to come.

Runs after the strategie, actions, documents and diagnostic seeders: the first séance validates
the submitted diagnostic document and the diagnostic du territoire, the projet de territoire and
its axes, and adjourns the ORT perimeter; the second validates the perimeter and the first fiches
action (one fiche is adjourned); two fiches wait for the next séance, one of them already on its
agenda. The objects are found through what their apps declared to the comité (`registry`).
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from pvd.territoires.models import OrganisationType
from pvd.territoires.names import commune_de

from . import registry, services
from .models import Instance, InstanceType, MembreInstance, PointOrdreDuJour, Seance

PARIS = ZoneInfo("Europe/Paris")
LIEU_PREMIERE = "Hôtel de ville de Langres, salle du conseil"
LIEU_SECONDE = "Hôtel de ville de Langres, salle des mariages"
LIEU_A_VENIR = "Maison du pays de Langres, salle Diderot"


def _instance(dossier, kind, nom, **extra):
    instance, _ = Instance.objects.get_or_create(dossier=dossier, kind=kind, defaults={"nom": nom, **extra})
    if kind != InstanceType.COMITE_PROJET and instance.nom != nom:
        instance, _ = Instance.objects.get_or_create(dossier=dossier, kind=kind, nom=nom, defaults=extra)
    return instance


def _membres(instance, rows):
    for nom, fonction, organisation, role, user, email in rows:
        MembreInstance.objects.get_or_create(
            instance=instance,
            nom=nom,
            defaults={
                "fonction": fonction,
                "organisation": organisation,
                "role": role,
                "user": user,
                "email": email or (user.email if user else ""),
            },
        )


@transaction.atomic
def seed(context) -> None:
    dossier, users, chef = context.dossier, context.users, context.chef
    commune = dossier.communes.order_by("code").first()
    organisation = context.organisation
    mairie = organisation(commune_de(commune.nom), OrganisationType.COMMUNE)
    epci = organisation(dossier.epci.nom, OrganisationType.EPCI)
    prefecture = organisation("Préfecture de la Haute-Marne", OrganisationType.ETAT)
    bdt = organisation("Banque des Territoires", OrganisationType.BANQUE_TERRITOIRES)
    region = organisation("Région Grand Est", OrganisationType.REGION)
    departement = organisation("Département de la Haute-Marne", OrganisationType.DEPARTEMENT)
    anah = organisation("Anah", OrganisationType.ANAH)
    caue = organisation("CAUE de la Haute-Marne", OrganisationType.ASSOCIATION)

    comite = _instance(
        dossier,
        InstanceType.COMITE_PROJET,
        "Comité de projet Petites villes de demain",
        description="Valide la stratégie, les fiches action et les conventions du programme.",
    )
    _membres(
        comite,
        [
            (f"Maire de {commune.nom}", "Maire", mairie, "president", None, "maire@langres.demo.pvd.fr"),
            (
                "Président de la communauté de communes",
                "Président",
                epci,
                "president",
                None,
                "president@grandlangres.demo.pvd.fr",
            ),
            (
                "Anne Rousseau",
                "Adjointe au maire chargée de l'urbanisme",
                mairie,
                "elu",
                users.get("elu@demo.pvd.fr"),
                "",
            ),
            ("Claire Martin", "Cheffe de projet Petites villes de demain", mairie, "chef_de_projet", chef, ""),
            (
                "Sous-préfet de Langres",
                "Sous-préfet, délégué territorial adjoint de l'ANCT",
                prefecture,
                "prefet",
                None,
                "sous-prefet@haute-marne.demo.pvd.fr",
            ),
            ("Karim Benali", "Directeur territorial", bdt, "financeur", users.get("partenaire@demo.pvd.fr"), ""),
            (
                "Représentant de la Région Grand Est",
                "Chargé de mission territoires",
                region,
                "financeur",
                None,
                "territoires@grandest.demo.pvd.fr",
            ),
            ("Représentant du Département", "Direction de l'attractivité", departement, "partenaire", None, ""),
            ("Délégation locale de l'Anah", "Chargée d'opérations", anah, "financeur", None, ""),
            ("Julie Petit", "Architecte conseil", caue, "invite", users.get("lecteur@demo.pvd.fr"), ""),
        ],
    )

    equipe = _instance(dossier, InstanceType.EQUIPE_PROJET, "Équipe-projet")
    _membres(
        equipe,
        [
            ("Claire Martin", "Cheffe de projet", mairie, "chef_de_projet", chef, ""),
            ("Thomas Bernard", "Chargé de mission habitat", epci, "habitat", users.get("equipe@demo.pvd.fr"), ""),
            ("Service urbanisme de la ville", "Responsable du service", mairie, "urbanisme", None, ""),
        ],
    )
    technique = _instance(
        dossier, InstanceType.COMITE_TECHNIQUE, "Comité technique habitat et commerce", theme="Habitat et commerce"
    )
    _membres(
        technique,
        [
            ("Thomas Bernard", "Chargé de mission habitat", epci, "habitat", users.get("equipe@demo.pvd.fr"), ""),
            ("Délégation locale de l'Anah", "Chargée d'opérations", anah, "financeur", None, ""),
            ("Manager de commerce", "Manager de centre-ville", mairie, "dev_economique", None, ""),
        ],
    )
    participatif = _instance(
        dossier,
        InstanceType.COMITE_PARTICIPATIF,
        "Comité participatif des habitants",
        description="Habitants, commerçants et associations du centre ancien.",
    )
    _membres(
        participatif,
        [
            ("Association des commerçants de Langres", "Présidente", None, "association", None, ""),
            ("Conseil citoyen du centre ancien", "Représentant", None, "habitant", None, ""),
        ],
    )

    statuts = {m: ("excuse" if m.role == "partenaire" else "present") for m in comite.membres.all()}
    premiere, created = Seance.objects.get_or_create(
        instance=comite, lieu=LIEU_PREMIERE, defaults={"date": _days_ago(150)}
    )
    if created:
        _first_seance(dossier, premiere, chef, statuts)
    seconde, created = Seance.objects.get_or_create(
        instance=comite, lieu=LIEU_SECONDE, defaults={"date": _days_ago(45)}
    )
    if created:
        _second_seance(dossier, seconde, chef, statuts)

    a_venir, created = Seance.objects.get_or_create(
        instance=comite,
        lieu=LIEU_A_VENIR,
        defaults={
            "date": (timezone.localtime() + datetime.timedelta(days=30)).replace(
                hour=18, minute=0, second=0, microsecond=0
            )
        },
    )
    if created:
        services.point_add(seance=a_venir, titre="Approbation du compte rendu de la séance précédente", by=chef)
        services.point_add(seance=a_venir, titre="Bilan de la première consultation des habitants", by=chef)
        _submit_fiches(dossier, a_venir, chef)


def _days_ago(days: int) -> datetime.datetime:
    """Séances held before today: decisions are recorded only once a séance has taken place.
    Relative to today, so the demo stays consistent whenever it is seeded."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, 18, 0, tzinfo=PARIS)


def _objects(key: str, dossier):
    """The dossier's objects of the model its app registered under `key`."""
    return registry.by_key(key).model.objects.filter(dossier=dossier)


def _decide(seance, chef, rows):
    """rows: (titre, target or None, resultat, texte); a target that is a pending submission is
    put on the agenda (as the comité would), so the decision validates the submitted object."""
    for titre, target, resultat, texte in rows:
        if isinstance(target, PointOrdreDuJour):
            point = services.point_add(seance=seance, titre=titre, pending=target, by=chef)
        else:
            point = services.point_add(seance=seance, titre=titre, target=target, by=chef)
        services.decision_record(point=point, resultat=resultat, texte=texte, by=chef)


def _close(seance, chef, statuts, compte_rendu):
    services.presences_record(seance=seance, statuts=statuts, by=chef)
    services.seance_set_minutes(seance=seance, compte_rendu=compte_rendu, by=chef)
    services.seance_approve_minutes(seance=seance, by=chef)


def _first_seance(dossier, seance, chef, statuts):
    """The strategy: diagnostic, orientations, projet de territoire and its axes; the ORT
    perimeter is adjourned."""
    rows = [
        (
            "Validation du diagnostic partagé",
            _diagnostic_submission(dossier),
            "valide",
            "Le diagnostic, issu des ateliers et des données territoriales, est validé à l'unanimité.",
        ),
    ]
    diagnostic = _diagnostic_du_territoire_submission(dossier)
    if diagnostic is not None:
        rows.append(
            (
                "Validation du diagnostic du territoire",
                diagnostic,
                "valide",
                "Le diagnostic du territoire — chiffres, AFOM, documents de planification, études et "
                "initiatives — est validé ; il fonde la stratégie de revitalisation.",
            )
        )
    rows += [
        (
            "Orientations stratégiques du projet de revitalisation",
            None,
            "valide",
            "Trois orientations : habiter, commercer, se déplacer.",
        ),
    ]
    projet = _objects("projet", dossier).first()
    if projet is not None:
        rows.append(("Projet de territoire", projet, "valide", "La stratégie de revitalisation est validée."))
    rows += [(str(axe), axe, "valide", "") for axe in dossier.axes.order_by("numero")]
    rows.append(
        (
            "Périmètre de l'opération de revitalisation (ORT)",
            None,
            "ajourne",
            "Le périmètre sera précisé avec la DDT avant le prochain comité.",
        )
    )
    _decide(seance, chef, rows)
    _close(
        seance,
        chef,
        statuts,
        "Le maire ouvre la séance et rappelle les objectifs du programme Petites villes de demain.\n\n"
        "La cheffe de projet présente le diagnostic partagé, issu de trois ateliers avec les habitants "
        "et les commerçants. Le comité valide le diagnostic, les trois orientations et le projet de "
        "territoire avec ses axes.\n\n"
        "Le périmètre de l'ORT est ajourné : il sera retravaillé avec les services de l'État.",
    )


def _diagnostic_submission(dossier) -> PointOrdreDuJour | None:
    """The diagnostic document's submission waiting for a séance (the documents demo runs
    first), so the first séance validates the document itself; None without it."""
    document = _objects("document", dossier).filter(kind="diagnostic").order_by("pk").first()
    if document is None:
        return None
    return PointOrdreDuJour.objects.filter(
        dossier=dossier,
        seance__isnull=True,
        target_type=ContentType.objects.get_for_model(document),
        target_id=document.pk,
    ).first()


def _diagnostic_du_territoire_submission(dossier) -> PointOrdreDuJour | None:
    """The diagnostic du territoire's submission waiting for a séance (the diagnostic demo runs
    first and submits it), so the first séance validates it; None without it."""
    decidable = registry.by_key("diagnostic")
    diagnostic = decidable.model.objects.filter(dossier=dossier).first() if decidable else None
    if diagnostic is None:
        return None
    return PointOrdreDuJour.objects.filter(
        dossier=dossier,
        seance__isnull=True,
        target_type=ContentType.objects.get_for_model(diagnostic),
        target_id=diagnostic.pk,
    ).first()


def _second_seance(dossier, seance, chef, statuts):
    """The fiches action (one adjourned) and the ORT perimeter adjourned at the first séance."""
    rows = [
        (
            "Périmètre de l'ORT (point ajourné à la séance précédente)",
            None,
            "valide",
            "Le périmètre précisé avec la DDT est validé ; il sera annexé à la convention d'ORT.",
        )
    ]
    fiches = {f.numero: f for f in _objects("fiche", dossier)}
    rows += [(str(fiches[n]), fiches[n], "valide", "") for n in VALIDATED_FICHES if n in fiches]
    if ADJOURNED_FICHE in fiches:
        fiche = fiches[ADJOURNED_FICHE]
        rows.append((str(fiche), fiche, "ajourne", "Le plan de financement doit être consolidé avec la Région."))
    _decide(seance, chef, rows)
    _close(
        seance,
        chef,
        statuts,
        "Le comité valide le périmètre de l'ORT précisé avec la DDT.\n\n"
        "La cheffe de projet présente le plan d'action : six fiches sont validées ; la fiche sur la "
        "halle est ajournée, son plan de financement devant être consolidé avec la Région.",
    )


VALIDATED_FICHES = [1, 2, 5, 6, 7, 11]
ADJOURNED_FICHE = 9
SUBMITTED_FICHES = [3, 8]  # the first is put on the next séance's agenda


def _submit_fiches(dossier, seance, chef):
    fiches = {f.numero: f for f in _objects("fiche", dossier).filter(numero__in=SUBMITTED_FICHES)}
    for index, numero in enumerate(SUBMITTED_FICHES):
        if numero not in fiches:
            continue
        pending = services.object_submit(dossier=dossier, target=fiches[numero], titre=str(fiches[numero]), by=chef)
        if index == 0:
            services.point_add(seance=seance, pending=pending, by=chef)
