import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.gouvernance.models import Decision, Instance, PointOrdreDuJour, Seance
from pvd.strategie import services
from pvd.strategie.models import AxeStrategique, ProjetTerritoireVersion, SecteurIntervention
from pvd.suivi.models import Indicateur
from pvd.territoires.tests.factories import OrganisationFactory
from tests.utils import edit_fields, main

from .factories import AxeFactory, IndicateurFactory, SecteurFactory, square

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}


def _kwargs(dossier, objs, name):
    base = {"dossier_pk": dossier.pk}
    extra = {
        "axe_update": {"axe_pk": objs["axe"].pk},
        "axe_delete": {"axe_pk": objs["axe"].pk},
        "axe_move": {"axe_pk": objs["axe"].pk, "direction": "down"},
        "axe_submit": {"axe_pk": objs["axe"].pk},
        "sous_objectif_create": {"axe_pk": objs["axe"].pk},
        "sous_objectif_delete": {"pk": objs["sous"].pk},
        "sous_objectif_update": {"pk": objs["sous"].pk},
        "indicateur_create": {"axe_pk": objs["axe"].pk},
        "indicateur_update": {"pk": objs["indicateur"].pk},
        "indicateur_delete": {"pk": objs["indicateur"].pk},
        "secteur_update": {"pk": objs["secteur"].pk},
        "secteur_delete": {"pk": objs["secteur"].pk},
    }
    return base | extra.get(name, {})


# (url name, method, permission, query string)
VIEWS = [
    ("index", "get", "view", ""),
    ("projet", "get", "view", ""),
    ("versions", "get", "view", ""),
    ("version_diff", "get", "view", "?b=2"),
    ("secteurs_export", "get", "view", ""),
    ("projet_edit", "get", "edit", ""),
    ("axe_create", "get", "edit", ""),
    ("axe_update", "get", "edit", ""),
    ("axe_delete", "get", "edit", ""),
    ("indicateur_create", "get", "edit", "?modele=logements_vacants"),
    ("indicateur_update", "get", "edit", ""),
    ("indicateur_delete", "get", "edit", ""),
    ("secteur_create", "get", "edit", ""),
    ("secteur_update", "get", "edit", ""),
    ("secteur_delete", "get", "edit", ""),
    ("secteurs_import", "get", "edit", ""),
    ("publish", "post", "edit", ""),
    ("unpublish", "post", "edit", ""),
    ("submit", "post", "edit", ""),
    ("axe_move", "post", "edit", ""),
    ("axe_submit", "post", "edit", ""),
    ("sous_objectif_create", "post", "edit", ""),
    ("sous_objectif_delete", "post", "edit", ""),
    ("sous_objectif_update", "post", "edit", ""),
]


@pytest.mark.parametrize(("name", "method", "perm", "query"), VIEWS, ids=[v[0] for v in VIEWS])
def test_permissions_per_viewer(client, make_viewer, dossier, strategie, name, method, perm, query):
    """Every view, for every kind of viewer; each request runs in a savepoint rolled back after it,
    so that a write by one viewer does not change what the next one sees."""
    url = reverse(f"strategie:{name}", kwargs=_kwargs(dossier, strategie, name)) + query
    allowed = CAN_VIEW if perm == "view" else CAN_EDIT
    for kind in ALL_VIEWERS:
        with transaction.atomic():
            client.logout()
            user = make_viewer(dossier, kind)
            if user is not None:
                client.force_login(user)
            data = None
            if method == "post":
                axe_page = reverse("strategie:axe_update", kwargs=_kwargs(dossier, strategie, "axe_update"))
                data = {"titre": "Nouveau", **edit_fields(client, axe_page, url)}
            response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
        if kind == "anonymous":
            assert response.status_code == 302 and "/comptes/connexion/" in response["Location"], kind
        elif kind not in CAN_VIEW:
            assert response.status_code == 404, kind
        elif kind not in allowed:
            assert response.status_code == 403, kind
        else:
            assert response.status_code == (200 if method == "get" else 302), kind


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_refused_writes_change_nothing(client_for, dossier, strategie, kind):
    client = client_for(dossier, kind)
    versions = ProjetTerritoireVersion.objects.count()
    client.post(
        reverse("strategie:axe_create", kwargs={"dossier_pk": dossier.pk}),
        {"numero": 7, "titre": "Sept", "echelle": "commune"},
    )
    client.post(reverse("strategie:axe_delete", kwargs=_kwargs(dossier, strategie, "axe_delete")))
    client.post(reverse("strategie:secteur_delete", kwargs=_kwargs(dossier, strategie, "secteur_delete")))
    if kind in CAN_EDIT:
        assert AxeStrategique.objects.filter(dossier=dossier, numero=7).exists()
        assert not AxeStrategique.objects.filter(pk=strategie["axe"].pk).exists()
        assert not SecteurIntervention.objects.filter(pk=strategie["secteur"].pk).exists()
    else:
        assert not AxeStrategique.objects.filter(dossier=dossier, numero=7).exists()
        assert AxeStrategique.objects.filter(pk=strategie["axe"].pk).exists()
        assert SecteurIntervention.objects.filter(pk=strategie["secteur"].pk).exists()
        assert ProjetTerritoireVersion.objects.count() == versions


def test_objects_of_another_dossier_are_not_found(client_for, dossier, strategie):
    client = client_for(dossier, "chef_de_projet")
    other_axe = AxeFactory()
    other_secteur = SecteurFactory()
    other_indicateur = IndicateurFactory()
    for name, kwargs in [
        ("axe_update", {"axe_pk": other_axe.pk}),
        ("indicateur_update", {"pk": other_indicateur.pk}),
        ("secteur_update", {"pk": other_secteur.pk}),
    ]:
        assert client.get(reverse(f"strategie:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})).status_code == 404


def _validate(obj, dossier, resultat="valide"):
    from django.contrib.contenttypes.models import ContentType

    instance, _ = Instance.objects.get_or_create(
        dossier=dossier, kind="comite_projet", defaults={"nom": "Comité de projet"}
    )
    seance = Seance.objects.create(instance=instance, date="2026-03-12T18:00:00Z")
    point = PointOrdreDuJour.objects.create(
        dossier=dossier,
        seance=seance,
        titre="Validation",
        target_type=ContentType.objects.get_for_model(obj),
        target_id=obj.pk,
    )
    Decision.objects.create(point=point, resultat=resultat)
    return seance


def test_overview_shows_axes_indicators_states_and_map(client_for, dossier, strategie):
    seance = _validate(strategie["axe"], dossier)
    client = client_for(dossier, "elu")
    content = main(client.get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})))
    axe = content.select_one(f"#axe-{strategie['axe'].pk}")
    assert axe.h3.get_text(strip=True) == "Axe 1 — Habitat et cadre de vie"
    assert axe.select_one("[data-etat]").get_text(strip=True) == "Validé"
    # The state reads once, with its date and a link to the séance, not the séance's own date again.
    validation = axe.select_one(".pvd-validation")
    assert validation.get_text(" ", strip=True) == "Validé le 12 mars 2026 (Comité de projet) — voir la séance"
    assert validation.a["href"] == reverse("gouvernance:seance", args=[dossier.pk, seance.pk])
    assert "12/03/2026" not in axe.get_text()
    assert "Anah" in axe.select_one(".pvd-dl").get_text()
    # Type, unit (no value carries it) and source under the name: four columns fit at 1280 px.
    assert [td.get_text(" ", strip=True) for td in axe.select(".pvd-indicateurs tbody td")] == [
        "Taux de logements vacants Sans valeur Résultat · en % · source : non renseignée",
        "—",
        "—",
    ]
    assert content.select_one("#resume").get_text(strip=True) == "Une ville-centre attractive."
    geojson = json.loads(content.select_one("#secteurs-geojson").string)
    assert geojson["features"][0]["properties"]["nom"] == "Périmètre ORT"
    assert content.select_one("#secteurs-table tbody td").get_text(strip=True) == "Périmètre ORT"
    # An élu reads, without the edit buttons.
    assert content.select_one("#projet-actions") is None
    assert not content.find("a", string="Ajouter un axe")


def test_submit_button_for_editors(client_for, dossier, strategie):
    client = client_for(dossier, "equipe")
    url = reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})
    content = main(client.get(url))
    assert "Soumettre au comité de projet" in content.select_one("#projet-actions").get_text()
    client.post(reverse("strategie:submit", kwargs={"dossier_pk": dossier.pk}))
    content = main(client.get(url))
    assert content.select_one("#projet [data-etat]").get_text(strip=True) == "Soumis au comité de projet"
    client.post(reverse("strategie:axe_submit", kwargs=_kwargs(dossier, strategie, "axe_submit")))
    from django.contrib.contenttypes.models import ContentType

    axe_type = ContentType.objects.get_for_model(AxeStrategique)
    assert PointOrdreDuJour.objects.filter(target_type=axe_type, target_id=strategie["axe"].pk).count() == 1


def _big_strategy(dossier, count):
    for numero in range(1, count + 1):
        axe = AxeFactory(dossier=dossier, numero=numero)
        axe.partenaires.add(OrganisationFactory())
        axe.sous_objectifs.create(titre=f"Sous-objectif {numero}")
        IndicateurFactory(axe=axe)
        IndicateurFactory(axe=axe, kind="mise_en_oeuvre")
        _validate(axe, dossier, resultat="ajourne" if numero % 2 else "valide")
        SecteurFactory(dossier=dossier, geometry=square(5.33 + numero * 0.003))


def test_overview_query_count_does_not_grow(client_for, dossier, django_assert_num_queries):
    from pvd.dossiers.tests.factories import DossierFactory, MembreFactory

    _big_strategy(dossier, 2)
    client = client_for(dossier, "lecteur")
    url = reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})
    client.get(url)  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert len(main(response).select(".pvd-axe")) == 2
    big = DossierFactory()
    _big_strategy(big, 20)
    member = MembreFactory(dossier=big, role="lecteur").user
    client.force_login(member)
    url = reverse("strategie:index", kwargs={"dossier_pk": big.pk})
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(main(response).select(".pvd-axe")) == 20


def test_axe_create_and_update_forms(client_for, dossier, strategie):
    client = client_for(dossier, "chef_de_projet")
    partner = OrganisationFactory(nom="Cerema")
    response = client.post(
        reverse("strategie:axe_create", kwargs={"dossier_pk": dossier.pk}),
        {"numero": 1, "titre": "Doublon", "echelle": "commune"},
    )
    assert "existe déjà" in main(response).get_text()
    response = client.post(
        reverse("strategie:axe_create", kwargs={"dossier_pk": dossier.pk}),
        {
            "numero": 2,
            "titre": "Commerce",
            "echelle": "quartier",
            "partenaires": [partner.pk],
            "orientations_crte": ["developpement_economique"],
            "cohesion_territoriale": "on",
        },
    )
    assert response.status_code == 302
    axe = AxeStrategique.objects.get(dossier=dossier, numero=2)
    assert list(axe.partenaires.all()) == [partner]
    assert axe.orientations_crte == ["developpement_economique"] and axe.cohesion_territoriale
    response = client.get(
        reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": strategie["axe"].pk})
    )
    content = main(response)
    assert content.select_one("#id_titre")["value"] == "Habitat et cadre de vie"
    assert "Lancer une OPAH-RU" in content.select_one("#sous-objectifs").get_text()


def test_indicateur_from_catalogue(client_for, dossier, strategie):
    client = client_for(dossier, "equipe")
    url = reverse("strategie:indicateur_create", kwargs={"dossier_pk": dossier.pk, "axe_pk": strategie["axe"].pk})
    content = main(client.get(url + "?modele=vacance_commerciale"))
    assert content.select_one("#id_nom")["value"] == "Taux de vacance commerciale en centre-ville"
    assert content.select_one("#id_catalogue")["value"] == "vacance_commerciale"
    response = client.post(
        url,
        {
            "nom": "Vacance commerciale rue Diderot",
            "kind": "resultat",
            "unite": "%",
            "valeur_initiale": "16",
            "date_initiale": "2021-01-01",
            "cible": "10",
            "echeance": "2026-12-31",
            "source": "Relevé",
            "frequence": "annuelle",
            "catalogue": "vacance_commerciale",
        },
    )
    assert response.status_code == 302
    indicateur = Indicateur.objects.get(nom="Vacance commerciale rue Diderot")
    assert indicateur.axe == strategie["axe"] and indicateur.catalogue == "vacance_commerciale"
    response = client.post(
        url,
        {
            "nom": "X",
            "kind": "resultat",
            "unite": "%",
            "frequence": "annuelle",
            "date_initiale": "2024-01-01",
            "echeance": "2020-01-01",
        },
    )
    assert "L'échéance de la cible doit suivre la date de référence." in main(response).get_text()


def test_secteur_form_refuses_invalid_geometry_with_french_message(client_for, dossier, strategie):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("strategie:secteur_create", kwargs={"dossier_pk": dossier.pk})
    commune = dossier.communes.first().pk
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[5.33, 47.86], [5.34, 47.87], [5.34, 47.86], [5.33, 47.87], [5.33, 47.86]]],
    }
    response = client.post(url, {"nom": "Croisé", "kind": "autre", "commune": commune, "geometry": json.dumps(bowtie)})
    assert response.status_code == 200
    assert "se croise lui-même" in main(response).get_text()
    response = client.post(url, {"nom": "Texte", "kind": "autre", "commune": commune, "geometry": "pas du json"})
    assert "JSON est illisible" in main(response).get_text()
    feature = {"type": "Feature", "properties": {}, "geometry": square(5.335, 47.861, 0.001)}
    response = client.post(url, {"nom": "Rue", "kind": "autre", "commune": commune, "geometry": json.dumps(feature)})
    assert response.status_code == 302
    secteur = SecteurIntervention.objects.get(nom="Rue")
    assert secteur.geometry["type"] == "Polygon" and 5_000 < secteur.surface_m2 < 10_000


def test_import_and_export_views(client_for, dossier, strategie):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(dossier, "chef_de_projet")
    export = client.get(reverse("strategie:secteurs_export", kwargs={"dossier_pk": dossier.pk}))
    assert export["Content-Type"] == "application/geo+json"
    assert "attachment" in export["Content-Disposition"]
    data = json.loads(export.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    data["features"][0]["properties"]["nom"] = "Copie"
    url = reverse("strategie:secteurs_import", kwargs={"dossier_pk": dossier.pk})
    upload = SimpleUploadedFile("secteurs.geojson", json.dumps(data).encode(), content_type="application/geo+json")
    response = client.post(url, {"fichier": upload, "kind": "autre", "commune": dossier.communes.first().pk})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][0] == "1 secteur importé."
    copie = SecteurIntervention.objects.get(nom="Copie")
    assert copie.geometry == strategie["secteur"].geometry and copie.kind == "perimetre_ort"
    response = client.post(
        url,
        {"texte": '{"type": "Point", "coordinates": [5, 47]}', "kind": "autre", "commune": dossier.communes.first().pk},
    )
    assert "« Point » n'est pas accepté" in main(response).get_text()


def test_versions_and_diff_pages(client_for, dossier, strategie, auteur):
    services.axe_update(axe=strategie["axe"], titre="Habitat", by=auteur)
    client = client_for(dossier, "lecteur")
    content = main(client.get(reverse("strategie:versions", kwargs={"dossier_pk": dossier.pk})))
    rows = content.select("#versions-table tbody tr")
    assert len(rows) == 6
    cells = rows[0].select("td")
    assert len(cells) == 4  # the author under the date: "Modification" and "Détail" fit at 1280 px
    assert cells[1].select_one(".pvd-cell-detail").get_text(strip=True) == "Claire Martin"
    assert cells[2].get_text(strip=True) == "Axe 1 modifié"
    url = reverse("strategie:version_diff", kwargs={"dossier_pk": dossier.pk})
    content = main(client.get(url + "?a=5&b=6"))
    section = content.select_one(".pvd-diff")
    assert section.h2.get_text(" ", strip=True) == "Axe 1 — Habitat modifié"
    # A readable comparison: element, before, after; no programmer's diff.
    assert [th.get_text(strip=True) for th in section.select("thead th")] == [
        "Élément",
        "Avant (version 5)",
        "Après (version 6)",
    ]
    rows = [[cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in section.select("tbody tr")]
    assert rows == [["Titre", "Habitat et cadre de vie", "Habitat"]]
    assert content.select_one("pre") is None and "+ " not in content.get_text()
    assert client.get(url + "?b=99").status_code == 404
    assert client.get(url + "?b=abc").status_code == 404


def test_diff_page_labels_every_line_and_marks_added_items_and_changed_words(client_for, dossier, strategie, auteur):
    services.projet_update(
        dossier=dossier, resume="Une ville-centre attractive, fière de son patrimoine et de ses remparts.", by=auteur
    )
    services.sous_objectif_create(axe=strategie["axe"], titre="Traiter les îlots dégradés", by=auteur)
    services.secteur_create(
        dossier=dossier,
        nom="Secteur gare",
        kind="secteur_prioritaire",
        commune=dossier.communes.first(),
        geometry=square(lon=5.36, size=0.02),
        by=auteur,
    )
    client = client_for(dossier, "lecteur")
    url = reverse("strategie:version_diff", kwargs={"dossier_pk": dossier.pk})
    content = main(client.get(url + "?a=5&b=8"))
    sections = {section.h2.get_text(" ", strip=True): section for section in content.select(".pvd-diff")}
    # The synthesis, word by word: the changed words in <del> and <ins>, read aloud as such.
    resume = sections["Synthèse du projet de territoire modifié"]
    deleted, inserted = resume.select_one("del"), resume.select_one("ins")
    assert deleted.get_text(strip=True) == "[supprimé :attractive.]"
    assert inserted.get_text(strip=True) == "[ajouté :attractive, fière de son patrimoine et de ses remparts.]"
    assert deleted.select_one(".fr-sr-only") and inserted.select_one(".fr-sr-only")
    assert resume.select("td")[0].get_text(strip=True).startswith("Une ville-centre")  # unchanged words kept
    # A list item added reads "Ajouté", with its element.
    row = sections["Axe 1 — Habitat et cadre de vie modifié"].select_one("tbody tr")
    assert [cell.get_text(" ", strip=True) for cell in row.select("th, td")] == [
        "Sous-objectif Ajouté",
        "—",
        "Traiter les îlots dégradés",
    ]
    # An added sector: every line has its label (the screenshot's unlabelled "type, commune, surface").
    secteur = sections["Secteur « Secteur gare » ajouté"]
    labels = [th.get_text(" ", strip=True) for th in secteur.select("tbody th")]
    assert labels == ["Nom", "Type", "Commune", "Surface", "Forme"]  # "ajouté" once, in the heading


def test_printable_page_shows_current_state(client_for, dossier, strategie, auteur):
    services.axe_update(axe=strategie["axe"], titre="Habitat (brouillon)", by=auteur)
    client = client_for(dossier, "partenaire")
    content = main(client.get(reverse("strategie:projet", kwargs={"dossier_pk": dossier.pk})))
    assert content.select_one("#projet-axes h3").get_text(strip=True) == "Axe 1 — Habitat (brouillon)"
    assert "Taux de logements vacants" in content.select_one("#projet-axes table").get_text()


def test_public_page_shows_only_the_published_version(client, dossier, strategie, auteur):
    url = reverse("strategie:public", kwargs={"dossier_pk": dossier.pk})
    assert client.get(url).status_code == 404  # never published
    services.projet_publish(dossier=dossier, by=auteur)
    services.axe_update(axe=strategie["axe"], titre="Titre en cours de rédaction", by=auteur)
    services.axe_create(dossier=dossier, numero=2, titre="Axe pas encore publié", by=auteur)
    services.projet_update(dossier=dossier, resume="Brouillon de synthèse.", by=auteur)
    response = client.get(url)
    assert response.status_code == 200
    content = main(response)
    text = content.get_text()
    assert [h3.get_text(strip=True) for h3 in content.select("#projet-axes h3")] == ["Axe 1 — Habitat et cadre de vie"]
    assert "Titre en cours de rédaction" not in text
    assert "Axe pas encore publié" not in text
    assert "Brouillon de synthèse" not in text
    assert "Une ville-centre attractive." in text
    geojson = json.loads(content.select_one("#projet-geojson").string)
    assert geojson["features"][0]["properties"]["nom"] == "Périmètre ORT"
    # Publishing again shows the new state; unpublishing hides it.
    services.projet_publish(dossier=dossier, by=auteur)
    assert "Axe pas encore publié" in main(client.get(url)).get_text()
    services.projet_unpublish(dossier=dossier, by=auteur)
    assert client.get(url).status_code == 404


def test_sector_added_after_publication_stays_off_the_public_page(client, dossier, strategie, auteur):
    services.projet_publish(dossier=dossier, by=auteur)
    services.secteur_create(
        dossier=dossier,
        nom="Secteur pas encore publié",
        kind="secteur_prioritaire",
        commune=dossier.communes.first(),
        geometry=square(5.34, 47.87),
        by=auteur,
    )
    content = main(client.get(reverse("strategie:public", kwargs={"dossier_pk": dossier.pk})))
    assert "Secteur pas encore publié" not in content.get_text()
    geojson = json.loads(content.select_one("#projet-geojson").string)
    assert [feature["properties"]["nom"] for feature in geojson["features"]] == ["Périmètre ORT"]


def test_sous_objectif_can_be_edited_and_the_change_is_versioned(client_for, dossier, strategie):
    client = client_for(dossier, "equipe")
    sous = strategie["sous"]
    update = reverse("strategie:sous_objectif_update", kwargs={"dossier_pk": dossier.pk, "pk": sous.pk})
    axe_page = reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": sous.axe_id})
    response = client.post(update, {"titre": "Lancer une OPAH-RU renforcée", **edit_fields(client, axe_page, update)})
    assert response.status_code == 302
    sous.refresh_from_db()
    assert sous.titre == "Lancer une OPAH-RU renforcée"
    last = ProjetTerritoireVersion.objects.filter(projet__dossier=dossier).latest("numero")
    assert last.motif == "Sous-objectif de l'axe 1 modifié"
    assert last.snapshot["axes"][0]["sous_objectifs"] == ["Lancer une OPAH-RU renforcée"]
    page = client.get(reverse("strategie:axe_update", kwargs={"dossier_pk": dossier.pk, "axe_pk": sous.axe_id}))
    field = BeautifulSoup(page.content, "html.parser").select_one(f"#sous-objectif-{sous.pk}")
    assert field["value"] == "Lancer une OPAH-RU renforcée"
