"""The import page: upload → preview → confirm, errors shown by line and column with nothing
saved, the list of imports and their deletion, the sample files, refusals by role, and a
confirmation whose queries do not grow with the file."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.diagnostic import importer, services
from pvd.diagnostic.models import Donnee, DonneeImport, DonneeOrigine, Echelle
from pvd.diagnostic.tests.factories_imports import (
    GENERIC_XLSX_SAMPLE,
    INSEE_SAMPLE,
    generic_csv,
    insee_csv,
    langres_dossier,
)
from pvd.dossiers.perms import Access
from pvd.dossiers.tests.factories import DossierFactory
from pvd.territoires.models import Commune
from tests.utils import assert_queries_do_not_grow, assert_refused, count_queries, expected_status, main

pytestmark = pytest.mark.django_db
TEAM = {"chef_de_projet", "equipe"}


@pytest.fixture
def dossier(db):
    return langres_dossier()


def url(dossier, name="imports", **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def upload(client, dossier, content: bytes, name="insee.csv"):
    return client.post(url(dossier), {"fichier": SimpleUploadedFile(name, content)})


def confirm(client, dossier):
    """Confirm the preview the page showed last (its fingerprint of the file)."""
    stored = client.session.get(f"diagnostic_import_{dossier.pk}") or {}
    return client.post(url(dossier), {"confirm": "1", "empreinte": stored.get("empreinte", "")})


def rows(fragment, selector):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.select("td")] for tr in fragment.select(f"{selector} tbody tr")
    ]


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_the_team_opens_the_import_page(client_for, dossier, kind):
    response = client_for(dossier, kind).get(url(dossier))
    assert response.status_code == expected_status(kind, TEAM)
    if kind in TEAM:
        page = main(response)
        assert page.select_one("h1").get_text(strip=True) == "Importer des données"
        assert "au plus 2 Mo et 5\u00a0000 lignes" in page.get_text()
        variables = rows(page, "#variables-insee")
        assert len(variables) == 25
        assert variables[0] == ["P21_POP", "Population", "habitants", "INSEE, recensement de la population 2021"]
        assert "Taux de vacance des logements (logements vacants / logements × 100" in page.select_one("#format").text


@pytest.mark.parametrize("kind", sorted(set(ALL_VIEWERS) - TEAM))
def test_others_can_neither_upload_confirm_delete_nor_download_a_sample(client_for, dossier, kind):
    kept = services.donnees_import(dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="a", by=None)
    client = client_for(dossier, kind)
    assert_refused(upload(client, dossier, INSEE_SAMPLE.read_bytes()), kind)
    assert_refused(confirm(client, dossier), kind)
    assert_refused(client.post(url(dossier, "import_delete", import_pk=kept.pk)), kind)
    assert_refused(client.get(url(dossier, "import_exemple", nom="donnees_exemple.csv")), kind)
    assert DonneeImport.objects.count() == 1
    assert Donnee.objects.count() == 161


def test_an_import_of_another_dossier_is_not_found(client_for, dossier):
    foreign = DossierFactory()
    theirs = DonneeImport.objects.create(dossier=foreign, kind="insee", nom_fichier="leur.csv")
    client = client_for(dossier, "chef_de_projet")
    assert client.post(url(dossier, "import_delete", import_pk=theirs.pk)).status_code == 404
    assert DonneeImport.objects.filter(pk=theirs.pk).exists()


# --- Upload, preview, confirm ----------------------------------------------------------------


def test_the_chef_sees_the_preview_then_confirms(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = upload(client, dossier, INSEE_SAMPLE.read_bytes(), "insee_comparateur_exemple.csv")
    assert response.status_code == 200
    assert not Donnee.objects.exists()
    page = main(response)
    assert "161 chiffres à créer, 0 chiffre à mettre à jour, pour 6 territoires" in page.select_one("#resume").text
    assert "1 colonne non reprise : SUPERF" in page.select_one("#colonnes-inconnues").text
    assert "ligne 3, TP6021 (« s »)" in page.select_one("#valeurs-secretes").text
    territoires = {row[1]: row for row in rows(page, "#territoires")}
    assert territoires["52250"] == ["Joinville", "52250", "Commune", "Comparaison, hors du dossier", "26"]
    assert territoires["FR"] == ["France", "FR", "France", "Territoire du dossier", "27"]
    first = rows(page, "#chiffres-importes")[0]
    assert first == ["2", "Langres", "Population", "2021", "7\u00a0512", "habitants", "Création",
                     "INSEE, recensement de la population 2021"]  # fmt: skip

    response = confirm(client, dossier)
    assert response.status_code == 302
    assert response["Location"] == url(dossier) + "#imports"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Import de « insee_comparateur_exemple.csv » enregistré : 161 chiffres importés."
    ]
    donnee_import = DonneeImport.objects.get()
    assert (donnee_import.created_by, donnee_import.kind) == (client.user, "insee")
    assert Donnee.objects.filter(dossier=dossier, donnee_import=donnee_import).count() == 161
    listed = rows(main(client.get(url(dossier))), "#imports-table")
    assert listed[0][0] == "insee_comparateur_exemple.csv"
    assert listed[0][4] == "161"


def test_a_second_upload_shows_the_updates(client_for, dossier):
    services.donnees_import(dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="a", by=None)
    client = client_for(dossier, "equipe")
    page = main(
        upload(client, dossier, generic_csv("52269;Population;7600;;INSEE;2021", "52269;Voies;3;;Commune;2024"))
    )
    assert "1 chiffre à créer, 1 chiffre à mettre à jour" in page.select_one("#resume").text
    assert [row[6] for row in rows(page, "#chiffres-importes")] == ["Mise à jour", "Création"]


def test_a_broken_file_shows_every_fault_by_line_and_column_and_saves_nothing(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = upload(
        client, dossier, insee_csv("52269;Langres;7512;4734;742;20480", "52250;Joinville;abc;1861;300;19620")
    )
    assert response.status_code == 400
    page = main(response)
    assert "1 erreur : rien n'a été enregistré" in page.select_one("[role=alert]").text
    assert rows(page, "#erreurs") == [
        [
            "3",
            "P21_POP",
            "Valeur non numérique : « abc » (écrivez un nombre, la virgule "
            "ou le point séparant les décimales : 7512,5).",
        ]
    ]
    assert not page.select("#depot ~ form, form input[name=confirm]")
    # The file refused is not kept for a confirmation.
    response = confirm(client, dossier)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Le fichier à importer n'est plus disponible : déposez-le à nouveau."
    ]
    assert not Donnee.objects.exists() and not DonneeImport.objects.exists()


def test_a_preview_confirms_only_its_own_file(client_for, dossier):
    """Two tabs: the first preview cannot import the file checked in the second."""
    client = client_for(dossier, "chef_de_projet")
    first = upload(client, dossier, generic_csv("52269;Population;7512;;INSEE;2021"))
    seen = main(first).select_one("input[name=empreinte]")["value"]
    assert upload(client, dossier, generic_csv("52269;Population;1;;INSEE;2021")).status_code == 200
    response = client.post(url(dossier), {"confirm": "1", "empreinte": seen})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Un autre fichier a été vérifié depuis cet aperçu : déposez à nouveau le vôtre."
    ]
    assert not Donnee.objects.exists()
    assert confirm(client, dossier).status_code == 302
    assert Donnee.objects.get().valeur == 1


def test_a_file_broken_between_preview_and_confirmation_is_refused(client_for, dossier):
    """The confirmation reads the file again: what changed since the preview counts."""
    client = client_for(dossier, "chef_de_projet")
    assert upload(client, dossier, generic_csv("52250;Population;3012;;INSEE;2021")).status_code == 200
    Commune.objects.filter(code="52250").delete()  # Joinville left the COG meanwhile
    response = confirm(client, dossier)
    assert response.status_code == 400
    assert "Territoire inconnu : « 52250 »" in main(response).select_one("#erreurs").text
    assert not DonneeImport.objects.exists() and not Donnee.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", b"%PDF", "Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)."),
        (
            "gros.csv",
            b"x" * (importer.MAX_SIZE + 1),
            "Le fichier dépasse 2 Mo : ne gardez que les lignes de vos territoires.",
        ),
    ],
)
def test_the_form_refuses_another_kind_of_file_or_a_file_too_large(client_for, dossier, name, content, message):
    response = upload(client_for(dossier, "chef_de_projet"), dossier, content, name)
    assert response.status_code == 400
    assert message in main(response).text


def test_an_xlsx_is_imported_like_a_csv(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    assert upload(client, dossier, GENERIC_XLSX_SAMPLE.read_bytes(), "donnees.xlsx").status_code == 200
    assert confirm(client, dossier).status_code == 302
    assert DonneeImport.objects.get().kind == "generique"
    assert Donnee.objects.count() == 9


# --- Imports listed, deleted -----------------------------------------------------------------


def test_deleting_an_import_asks_then_deletes_its_figures(client_for, dossier):
    first = services.donnees_import(
        dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="insee.csv", by=None
    )
    services.donnees_import(
        dossier=dossier, content=generic_csv("52269;Voies;3;;Commune;2024"), nom_fichier="b", by=None
    )
    client = client_for(dossier, "equipe")
    page = main(client.get(url(dossier, "import_delete", import_pk=first.pk)))
    assert "L'import « insee.csv » sera supprimé avec ses 161 chiffres" in page.text
    response = client.post(url(dossier, "import_delete", import_pk=first.pk))
    assert response.status_code == 302
    assert not DonneeImport.objects.filter(pk=first.pk).exists()
    assert list(Donnee.objects.values_list("indicateur", flat=True)) == ["voies"]


def test_the_samples_are_downloaded(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = client.get(url(dossier, "import_exemple", nom="insee_comparateur_exemple.csv"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == INSEE_SAMPLE.read_bytes()
    assert 'filename="insee_comparateur_exemple.csv"' in response["Content-Disposition"]
    assert client.get(url(dossier, "import_exemple", nom="..%2Fmodels.py")).status_code == 404
    assert client.get(url(dossier, "import_exemple", nom="README.md")).status_code == 404


@pytest.mark.parametrize(("role", "shown"), [("chef_de_projet", True), ("lecteur", False), ("prefecture", False)])
def test_the_diagnostic_page_block_links_to_the_import_page_for_the_team(dossier, role, shown):
    html = render_to_string("diagnostic/_section_imports.html", {"dossier": dossier, "perms": Access(role).perms})
    assert (url(dossier) in html) is shown


# --- Queries ---------------------------------------------------------------------------------


def test_the_confirmation_makes_the_same_queries_for_a_small_and_a_large_file(client_for, dossier):
    """Half the lines update a figure of the dossier, half create one; bulk writes."""
    client = client_for(dossier, "chef_de_projet")
    counted = []
    for size in (2, 25):
        Donnee.objects.all().delete()
        DonneeImport.objects.all().delete()
        for n in range(size):
            Donnee.objects.create(
                dossier=dossier,
                indicateur=f"existant_{n}",
                libelle="x",
                echelle=Echelle.COMMUNE,
                code_territoire="52269",
                valeur=1,
                source="x",
                millesime="2024",
                origine=DonneeOrigine.SAISIE,
            )
        lines = [f"52269;existant {n};2;;Commune;2024" for n in range(size)]
        lines += [f"200072999;nouveau {n};3;;Commune;2024" for n in range(size)]
        assert upload(client, dossier, generic_csv(*lines)).status_code == 200
        response, queries = count_queries(lambda: confirm(client, dossier))
        assert response.status_code == 302
        assert Donnee.objects.filter(valeur=2).count() == size
        assert Donnee.objects.filter(valeur=3).count() == size
        counted.append(len(queries))
    assert counted[0] == counted[1], counted


def test_the_page_makes_the_same_queries_with_one_or_many_imports(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    services.donnees_import(dossier=dossier, content=generic_csv("52269;A;1;;x;2021"), nom_fichier="a", by=client.user)

    def grow():
        for n in range(4):
            content = generic_csv(f"52269;B{n};1;;x;2021", f"200072999;C{n};2;;x;2021")
            services.donnees_import(dossier=dossier, content=content, nom_fichier=f"b{n}", by=client.user)

    small, large = assert_queries_do_not_grow(lambda: client.get(url(dossier)), grow=grow)
    assert len(rows(main(small), "#imports-table")) == 1
    assert [row[4] for row in rows(main(large), "#imports-table")] == ["2", "2", "2", "2", "1"]
