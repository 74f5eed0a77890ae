"""Seeds the catalogue of common indicators with the entries that used to be a constant in
pvd/suivi/catalogue.py: the keys already stored on indicators keep pointing to a row."""

from django.db import migrations

# key, nom, kind, unité, source, fréquence, thème (frozen here: later edits are made in the admin).
SEED = [
    ("population", "Population municipale", "resultat", "habitants", "INSEE, recensement de la population",
     "annuelle", "Démographie"),
    ("logements_vacants", "Taux de logements vacants", "resultat", "%", "INSEE, LOVAC", "annuelle", "Habitat"),
    ("logements_renoves", "Nombre de logements rénovés", "mise_en_oeuvre", "logements", "Anah, opérateur OPAH-RU",
     "annuelle", "Habitat"),
    ("vacance_commerciale", "Taux de vacance commerciale en centre-ville", "resultat", "%", "Relevé communal, CCI",
     "annuelle", "Commerce"),
    ("commerces_ouverts", "Nombre de commerces ouverts ou repris en centre-ville", "mise_en_oeuvre", "commerces",
     "Relevé communal, CCI", "annuelle", "Commerce"),
    ("emplois", "Nombre d'emplois au lieu de travail", "resultat", "emplois", "INSEE, recensement de la population",
     "annuelle", "Emploi"),
    ("espaces_publics", "Surface d'espaces publics requalifiés", "mise_en_oeuvre", "m²", "Services techniques",
     "annuelle", "Espaces publics"),
    ("crte_ges", "Émissions de gaz à effet de serre du territoire (CRTE)", "resultat", "tCO2e/an",
     "Observatoire régional climat-air-énergie", "annuelle", "Transition écologique"),
    ("crte_enr", "Part des énergies renouvelables dans la consommation (CRTE)", "resultat", "%",
     "Observatoire régional climat-air-énergie", "annuelle", "Transition écologique"),
    ("crte_artificialisation", "Surface nouvellement artificialisée (CRTE)", "resultat", "ha",
     "Cerema, fichiers fonciers", "annuelle", "Transition écologique"),
    ("crte_renovation_energetique", "Logements rénovés énergétiquement (CRTE)", "mise_en_oeuvre", "logements",
     "Anah, MaPrimeRénov'", "annuelle", "Transition écologique"),
    ("crte_amenagements_cyclables", "Linéaire d'aménagements cyclables (CRTE)", "mise_en_oeuvre", "km",
     "Services techniques", "annuelle", "Mobilités"),
]


def seed(apps, schema_editor):
    IndicateurModele = apps.get_model("suivi", "IndicateurModele")
    for ordre, (key, nom, kind, unite, source, frequence, theme) in enumerate(SEED, start=1):
        IndicateurModele.objects.get_or_create(
            key=key,
            defaults={
                "nom": nom,
                "kind": kind,
                "unite": unite,
                "source": source,
                "frequence": frequence,
                "theme": theme,
                "ordre": ordre * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("suivi", "IndicateurModele").objects.filter(key__in=[row[0] for row in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("suivi", "0003_indicateurmodele")]

    operations = [migrations.RunPython(seed, unseed)]
