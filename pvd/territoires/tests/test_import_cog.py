import gzip
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pvd.territoires import services
from pvd.territoires.models import Commune, Departement, Epci, Region
from pvd.territoires.selectors import commune_search


@pytest.mark.django_db
def test_import_cog_real_extract_twice(django_assert_max_num_queries):
    out = StringIO()
    call_command("import_cog", stdout=out)
    assert re.search(r"Communes +34969 \(créés : 34969,", out.getvalue())
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Epci.objects.count() == 1255
    assert Commune.objects.count() == 34969
    assert Commune.objects.filter(epci__isnull=True).count() == 34969 - 34871  # islands, COM

    ajaccio = Commune.objects.select_related("departement__region", "epci").get(code="2A004")
    assert (ajaccio.nom, ajaccio.departement.nom) == ("Ajaccio", "Corse-du-Sud")
    assert ajaccio.departement.region.nom == "Corse"
    assert "20000" in ajaccio.codes_postaux
    assert ajaccio.epci.siren == "242010056"
    saint_denis = Commune.objects.select_related("departement").get(code="97411")
    assert (saint_denis.nom, saint_denis.departement.code, saint_denis.population) == ("Saint-Denis", "974", 155634)
    langres = Commune.objects.select_related("epci").get(code="52269")
    assert langres.epci.nom == "CC du Grand Langres"
    assert langres.search_text == "langres 52269 52200"
    assert Commune.objects.get(code="2B033").departement_id == "2B"
    assert {c.code for c in commune_search("epinac")} == {"71190"}
    assert commune_search("st-flour")[0].code == "15187"
    assert commune_search("Saint Flour")[0].code == "15187"

    # Second run: same counts, nothing created or updated, programme flags kept.
    Commune.objects.filter(code="52269").update(pvd=True, pvd_id="pvd-44-52-15")
    out = StringIO()
    with django_assert_max_num_queries(20):
        call_command("import_cog", stdout=out)
    assert re.search(r"Communes +34969 \(créés : 0, mis à jour : 0, inchangés : 34969\)", out.getvalue())
    assert Commune.objects.count() == 34969
    assert Commune.objects.get(code="52269").pvd_id == "pvd-44-52-15"


def test_import_cog_updates_changed_rows(db, write_extract):
    codes = ["52269", "2A004", "97411"]
    services.cog_import(path=write_extract(codes))
    Commune.objects.filter(code="52269").update(pvd=True, pvd_id="pvd-44-52-15")

    def rename(data):
        for row in data["communes"]:
            if row[0] == "52269":
                row[1], row[6] = "Langres-sur-Marne", 8000

    result = services.cog_import(path=write_extract(codes, edit=rename))
    assert (result.communes.created, result.communes.updated, result.communes.unchanged) == (0, 1, 2)
    langres = Commune.objects.get(code="52269")
    assert (langres.nom, langres.population, langres.pvd) == ("Langres-sur-Marne", 8000, True)
    assert langres.search_text == "langres sur marne 52269 52200"
    assert Commune.objects.count() == 3


def test_import_cog_unreadable_file_changes_nothing(db, tmp_path):
    broken = tmp_path / "cassé.json.gz"
    broken.write_bytes(b"pas du gzip")
    with pytest.raises(CommandError, match="Extrait du COG illisible"):
        call_command("import_cog", fichier=broken, stdout=StringIO())
    incomplete = tmp_path / "incomplet.json.gz"
    with gzip.open(incomplete, "wt", encoding="utf-8") as handle:
        handle.write('{"regions": []}')
    with pytest.raises(CommandError, match="il manque communes, departements, epci"):
        call_command("import_cog", fichier=incomplete, stdout=StringIO())
    assert not Region.objects.exists()


def test_import_cog_failing_midway_changes_nothing(db, write_extract):
    codes = ["52269", "2A004"]
    services.cog_import(path=write_extract(codes))
    before = {
        "regions": dict(Region.objects.values_list("code", "nom")),
        "communes": dict(Commune.objects.values_list("code", "nom")),
        "epci": Epci.objects.count(),
    }

    def break_it(data):
        # Régions are written first (a renamed one), then a commune of an unknown département fails.
        data["regions"] = [[code, f"{nom} (renommée)"] for code, nom in data["regions"]]
        data["communes"].append(["99001", "Nulle-Part", "99", "44", "", [], 10, ""])
        data["communes"][0][1] = "Nom changé"

    with pytest.raises(CommandError) as error:
        call_command("import_cog", fichier=write_extract(codes, edit=break_it), stdout=StringIO())
    message = str(error.value)
    assert message == (
        "Extrait du COG incohérent : Nulle-Part (99001) : département « 99 » inconnu. Aucune modification."
    )
    after = {
        "regions": dict(Region.objects.values_list("code", "nom")),
        "communes": dict(Commune.objects.values_list("code", "nom")),
        "epci": Epci.objects.count(),
    }
    assert after == before


def test_import_cog_unknown_epci_is_refused(db, write_extract):
    def break_it(data):
        data["communes"][0][7] = "200000000"

    with pytest.raises(CommandError, match="EPCI « 200000000 » inconnu"):
        call_command("import_cog", fichier=write_extract(["52269"], edit=break_it), stdout=StringIO())
    assert not Region.objects.exists() and not Commune.objects.exists()
