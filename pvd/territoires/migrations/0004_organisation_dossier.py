"""Organisations belong to their dossier (issue 10, point 4).

The data migration decides, for each existing organisation, where it now lives:

- an organisation of a territory (linked to a commune, an EPCI or a département) stays
  shared: it is offered to the dossiers of that territory;
- an organisation of a national type (État, ANCT, Banque des Territoires, Anah, Cerema,
  région, département) stays national, whatever its use: it joins the list ANCT curates;
- any other organisation used by one dossier moves to that dossier; used by several, it
  moves to the first one and each other dossier gets its own copy (same name, type and
  SIREN), which that dossier's fiches, financing lines, axes, signatories and members now
  point to; used by none, it stays national, for ANCT to keep or delete.

Nothing is deleted. Where two organisations would now share a name in the same dossier (or
in the national list), whatever the capitals, the younger one is renamed « Nom (type) ».
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Lower
import django.db.models.deletion

NATIONAL_TYPES = {"etat", "anct", "bdt", "anah", "cerema", "region", "departement"}


def _references(apps):
    """(model, field name, path from the model to its dossier) of every use of an organisation."""
    fiche = apps.get_model("actions", "FicheAction")
    axe = apps.get_model("strategie", "AxeStrategique")
    return [
        (fiche, "maitre_ouvrage", "dossier"),
        (fiche._meta.get_field("partenaires").remote_field.through, "organisation", "ficheaction__dossier"),
        (apps.get_model("actions", "LigneFinancement"), "financeur", "fiche__dossier"),
        (axe._meta.get_field("partenaires").remote_field.through, "organisation", "axestrategique__dossier"),
        (apps.get_model("conventions", "Signataire"), "organisation", "convention__dossier"),
        (apps.get_model("gouvernance", "MembreInstance"), "organisation", "instance__dossier"),
    ]


def _unique_name(nom, suffix, taken, max_length):
    base = f"{nom} ({suffix})"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate = f"{base} {n}"
        n += 1
    return candidate[:max_length]


def _rename_duplicates(Organisation, labels):
    """Within a dossier (or the national list), names are unique whatever the capitals."""
    max_length = Organisation._meta.get_field("nom").max_length
    groups = defaultdict(list)
    for organisation in Organisation.objects.order_by("pk"):
        groups[organisation.dossier_id].append(organisation)
    for organisations in groups.values():
        taken = set()
        for organisation in organisations:
            key = organisation.nom.strip().casefold()
            if key in taken:
                organisation.nom = _unique_name(
                    organisation.nom.strip(), labels.get(organisation.type, organisation.type), taken, max_length
                )
                organisation.save(update_fields=["nom"])
                key = organisation.nom.casefold()
            taken.add(key)


def attach_to_dossiers(apps, schema_editor):
    Organisation = apps.get_model("territoires", "Organisation")
    references = _references(apps)
    uses = defaultdict(set)
    for model, field, dossier_path in references:
        rows = model.objects.filter(**{f"{field}__isnull": False}).values_list(f"{field}_id", dossier_path)
        for organisation_id, dossier_id in rows:
            uses[organisation_id].add(dossier_id)
    for organisation in Organisation.objects.order_by("pk"):
        territorial = organisation.commune_id or organisation.epci_id or organisation.departement_id
        dossiers = sorted(uses.get(organisation.pk, ()))
        if territorial or organisation.type in NATIONAL_TYPES or not dossiers:
            continue
        first, *others = dossiers
        organisation.dossier_id = first
        organisation.save(update_fields=["dossier"])
        for dossier_id in others:
            copy = Organisation.objects.create(
                nom=organisation.nom, type=organisation.type, siren=organisation.siren, dossier_id=dossier_id
            )
            for model, field, dossier_path in references:
                model.objects.filter(**{field: organisation, dossier_path: dossier_id}).update(**{field: copy})
    labels = dict(Organisation._meta.get_field("type").choices)
    _rename_duplicates(Organisation, labels)
    _check_foreign_keys_now(schema_editor)


def _check_foreign_keys_now(schema_editor):
    """PostgreSQL refuses the unique indexes that follow while deferred foreign-key checks of
    the rows written here are pending: run those checks now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def detach_from_dossiers(apps, schema_editor):
    """Back to shared organisations: the copies keep their rows, renamed if (nom, type) clashes."""
    Organisation = apps.get_model("territoires", "Organisation")
    taken = set()
    for organisation in Organisation.objects.order_by("dossier_id", "pk"):
        key = (organisation.nom, organisation.type)
        if key in taken:
            organisation.nom = f"{organisation.nom} (dossier {organisation.dossier_id})"[:200]
            organisation.save(update_fields=["nom"])
            key = (organisation.nom, organisation.type)
        taken.add(key)
    _check_foreign_keys_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("territoires", "0003_french_verbose_names"),
        ("dossiers", "0002_french_verbose_names"),
        ("actions", "0005_french_verbose_names"),
        ("strategie", "0003_french_verbose_names"),
        ("conventions", "0004_french_verbose_names"),
        ("gouvernance", "0007_french_verbose_names"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="organisation",
            name="organisation_unique_nom_type",
        ),
        migrations.AddField(
            model_name="organisation",
            name="dossier",
            field=models.ForeignKey(
                blank=True,
                help_text="Vide pour un organisme national ou celui d'un territoire, partagé par les dossiers.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="organisations",
                to="dossiers.dossier",
                verbose_name="dossier",
            ),
        ),
        migrations.RunPython(attach_to_dossiers, detach_from_dossiers, elidable=False),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                Lower("nom"),
                "dossier",
                condition=Q(dossier__isnull=False),
                name="organisation_unique_nom_dossier",
                violation_error_message="Une organisation de ce nom existe déjà dans ce dossier.",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                Lower("nom"),
                condition=Q(dossier__isnull=True),
                name="organisation_unique_nom_national",
                violation_error_message="Une organisation nationale de ce nom existe déjà.",
            ),
        ),
    ]
