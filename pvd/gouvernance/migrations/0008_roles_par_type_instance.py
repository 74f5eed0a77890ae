"""Each type of instance gets its own roles: the équipe-projet, the comité technique and the
comité participatif no longer borrow the comité de projet's (président, invité…).

The existing members of those instances get the closest new role, read from their fonction and
name when they say it (« Service urbanisme », « Chargé de mission habitat »), otherwise from
their former role. The comité de projet keeps its roles."""

from django.db import migrations, models

ROLES_BY_TYPE = {
    "comite_projet": {"president", "elu", "chef_de_projet", "prefet", "financeur", "partenaire", "invite"},
    "equipe_projet": {
        "chef_de_projet",
        "services_techniques",
        "urbanisme",
        "habitat",
        "dev_economique",
        "referent_partenaire",
        "autre",
    },
    "comite_technique": {
        "chef_de_projet",
        "services_techniques",
        "urbanisme",
        "habitat",
        "dev_economique",
        "referent_partenaire",
        "financeur",
        "prefet",
        "autre",
    },
    "comite_participatif": {"habitant", "association", "acteur_economique", "elu", "chef_de_projet", "autre"},
}

# Words of the fonction or name that say the role, first match wins.
KEYWORDS = {
    "equipe_projet": [
        ("urbanis", "urbanisme"),
        ("habitat", "habitat"),
        ("logement", "habitat"),
        ("commerce", "dev_economique"),
        ("économi", "dev_economique"),
        ("economi", "dev_economique"),
        ("technique", "services_techniques"),
    ],
    "comite_participatif": [
        ("association", "association"),
        ("commerç", "acteur_economique"),
        ("commerc", "acteur_economique"),
        ("entreprise", "acteur_economique"),
        ("habitant", "habitant"),
        ("citoyen", "habitant"),
        ("riverain", "habitant"),
    ],
}
KEYWORDS["comite_technique"] = KEYWORDS["equipe_projet"]

# Otherwise, from the former role.
FALLBACK = {
    "equipe_projet": {"partenaire": "referent_partenaire", "financeur": "referent_partenaire", "prefet": "referent_partenaire"},
    "comite_technique": {"partenaire": "referent_partenaire"},
    "comite_participatif": {"president": "elu"},
}


def new_role(instance_type: str, role: str, text: str) -> str:
    """The role a member keeps or gets in an instance of this type."""
    if role in ROLES_BY_TYPE[instance_type]:
        return role
    text = text.casefold()
    for word, mapped in KEYWORDS.get(instance_type, []):
        if word in text:
            return mapped
    return FALLBACK.get(instance_type, {}).get(role, "autre")


def forwards(apps, schema_editor):
    MembreInstance = apps.get_model("gouvernance", "MembreInstance")
    changed = []
    for membre in MembreInstance.objects.exclude(instance__type="comite_projet").select_related("instance"):
        role = new_role(membre.instance.type, membre.role, f"{membre.fonction} {membre.nom}")
        if role != membre.role:
            membre.role = role
            changed.append(membre)
    MembreInstance.objects.bulk_update(changed, ["role"])


# Back to the roles of the comité de projet, the only ones the previous schema knew.
BACKWARDS = {"referent_partenaire": "partenaire", "habitant": "invite", "association": "invite", "autre": "invite"}
BACKWARDS |= {role: "partenaire" for role in ("services_techniques", "urbanisme", "habitat", "dev_economique")}
BACKWARDS["acteur_economique"] = "invite"


def backwards(apps, schema_editor):
    MembreInstance = apps.get_model("gouvernance", "MembreInstance")
    for new, old in BACKWARDS.items():
        MembreInstance.objects.filter(role=new).update(role=old)


class Migration(migrations.Migration):
    dependencies = [
        ("gouvernance", "0007_french_verbose_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membreinstance",
            name="role",
            field=models.CharField(
                choices=[
                    ("president", "Président"),
                    ("elu", "Élu"),
                    ("chef_de_projet", "Chef de projet"),
                    ("prefet", "Préfet ou délégué de l'ANCT"),
                    ("financeur", "Financeur"),
                    ("partenaire", "Partenaire"),
                    ("invite", "Invité"),
                    ("services_techniques", "Services techniques"),
                    ("urbanisme", "Urbanisme"),
                    ("habitat", "Habitat"),
                    ("dev_economique", "Commerce et développement économique"),
                    ("referent_partenaire", "Référent technique d'un partenaire"),
                    ("habitant", "Habitant"),
                    ("association", "Association"),
                    ("acteur_economique", "Commerçant ou acteur économique"),
                    ("autre", "Autre"),
                ],
                max_length=20,
                verbose_name="rôle",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
