import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import CalendrierDossier, Decision, Instance, MembreInstance, PointOrdreDuJour, Seance
from pvd.gouvernance.selectors import validation_state
from pvd.strategie.models import AxeStrategique
from tests.utils import edit_fields, main, refusal_status

from .factories import InstanceFactory, MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
TEAM = {"chef_de_projet", "equipe"}


def urls(dossier, seance):
    kw = {"dossier_pk": dossier.pk}
    skw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    return {
        "index": reverse("gouvernance:index", kwargs=kw),
        "instance": reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
        "seance": reverse("gouvernance:seance", kwargs=skw),
        "convocation": reverse("gouvernance:convocation", kwargs=skw),
        "convocation_pdf": reverse("gouvernance:convocation_pdf", kwargs=skw),
        "compte_rendu_pdf": reverse("gouvernance:compte_rendu_pdf", kwargs=skw),
        "seance_ics": reverse("gouvernance:seance_ics", kwargs=skw),
        "feed": reverse("gouvernance:feed", kwargs=kw),
    }


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_read_pages_per_viewer(client_for, dossier, seance, kind):
    MembreInstanceFactory(instance=seance.instance, nom="Mme Dupont")
    services.point_add(seance=seance, titre="Point budgétaire", by=None)
    client = client_for(dossier, kind)
    for name, url in urls(dossier, seance).items():
        response = client.get(url)
        if kind not in CAN_VIEW:
            assert response.status_code == refusal_status(kind), name
            continue
        assert response.status_code == 200, name
        if name in {"index", "instance", "seance", "convocation"}:
            content = main(response)
            assert len(content.find_all("h1")) == 1
            # Editing forms only for the équipe-projet.
            has_forms = bool(content.select("#point-form, #membre-form, #instance-form"))
            assert has_forms == (kind in TEAM) or name == "convocation", name
        if name == "convocation":
            assert "Point budgétaire" in main(response).select_one("#convocation").get_text()
            assert "Mme Dupont" in main(response).select_one("#convocation").get_text()
        if name.endswith("_pdf"):
            assert response["Content-Type"] == "application/pdf"
            text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
            assert "Point budgétaire" in text


POSTS = [
    "instance_create",
    "membre_add",
    "seance_create",
    "point_add",
    # Before "approve": an approved séance refuses these changes whatever the role.
    "instance_update",
    "seance_update",
    "minutes",
    "presences",
    "convocation_send",
    "decision",
    "approve",
]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_write_actions_per_viewer(client_for, dossier, seance, kind):
    membre = MembreInstanceFactory(instance=seance.instance)
    point = services.point_add(seance=seance, titre="Point", by=None)
    Seance.objects.filter(pk=seance.pk).update(compte_rendu="Texte")
    client = client_for(dossier, kind)
    u = urls(dossier, seance)
    skw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    upcoming = SeanceFactory(instance=seance.instance)
    requests = {
        "instance_create": (u["index"], {"kind": "comite_technique", "nom": "Comité habitat", "theme": "Habitat"}),
        "membre_add": (
            reverse("gouvernance:membre_add", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
            {"membre-nom": "M. Nouveau", "membre-role": "invite"},
        ),
        "seance_create": (
            reverse("gouvernance:seance_create", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
            {"seance-date": "2030-01-15T18:00", "seance-lieu": "Mairie"},
        ),
        "point_add": (reverse("gouvernance:point_add", kwargs=skw), {"point-titre": "Nouveau point"}),
        "presences": (reverse("gouvernance:presences", kwargs=skw), {f"presence-{membre.pk}": "present"}),
        # A convocation is for a séance to come.
        "convocation_send": (reverse("gouvernance:convocation_send", kwargs=skw | {"pk": upcoming.pk}), {}),
        "decision": (reverse("gouvernance:decision", kwargs=skw | {"point_pk": point.pk}), {"resultat": "valide"}),
        "approve": (reverse("gouvernance:approve", kwargs=skw), {}),
        "instance_update": (
            reverse("gouvernance:instance_update", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
            {"instance-nom": "Comité renommé"},
        ),
        "seance_update": (
            reverse("gouvernance:seance_update", kwargs=skw),
            {"seance-date": "2020-02-01T18:00", "seance-lieu": "Salle des fêtes"},
        ),
        "minutes": (reverse("gouvernance:compte_rendu", kwargs=skw), {"cr-compte_rendu": "Compte rendu modifié"}),
    }
    effects = {
        "instance_create": lambda: Instance.objects.filter(nom="Comité habitat").exists(),
        "membre_add": lambda: MembreInstance.objects.filter(nom="M. Nouveau").exists(),
        "seance_create": lambda: Seance.objects.filter(lieu="Mairie").exists(),
        "point_add": lambda: PointOrdreDuJour.objects.filter(titre="Nouveau point").exists(),
        "presences": lambda: seance.presences.exists(),
        "convocation_send": lambda: len(mail.outbox) == 1,
        "decision": lambda: Decision.objects.filter(point=point).exists(),
        "approve": lambda: Seance.objects.get(pk=seance.pk).is_approved,
        "instance_update": lambda: Instance.objects.filter(nom="Comité renommé").exists(),
        "seance_update": lambda: Seance.objects.filter(lieu="Salle des fêtes").exists(),
        "minutes": lambda: Seance.objects.get(pk=seance.pk).compte_rendu == "Compte rendu modifié",
    }
    # The edit forms carry the version they were read at: read on their page just before.
    pages = {
        "instance_update": reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": seance.instance_id}),
        "seance_update": reverse("gouvernance:seance", kwargs=skw),
        "minutes": reverse("gouvernance:seance", kwargs=skw),
        "presences": reverse("gouvernance:seance", kwargs=skw),
        "decision": reverse("gouvernance:seance", kwargs=skw),
    }
    for action in POSTS:
        url, data = requests[action]
        if action in pages:
            data = {**data, **edit_fields(client, pages[action], url)}
        response = client.post(url, data)
        if kind in TEAM:
            assert response.status_code == 302, action
            assert effects[action](), action
        else:
            assert response.status_code == refusal_status(kind), action
            assert not effects[action](), action


def test_composition_check_on_page(client_for, dossier, comite):
    client = client_for(dossier, "elu")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    items = [li.get_text() for li in main(client.get(url)).select("#composition li")]
    assert len(items) == 4
    assert "Le chef de projet Petites villes de demain" in items


def test_existing_body_declared(client_for, dossier, comite):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    update_url = reverse("gouvernance:instance_update", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    response = client.post(
        update_url,
        {
            "instance-nom": "Comité de projet",
            "instance-instance_existante": "oui",
            "instance-nom_instance_existante": "",
            **edit_fields(client, url, update_url),
        },
    )
    assert response.status_code == 200
    assert "nom de l'instance locale existante" in main(response).get_text()
    client.post(
        update_url,
        {
            "instance-nom": "Comité de projet",
            "instance-instance_existante": "oui",
            "instance-nom_instance_existante": "Copil Cœur de ville",
            **edit_fields(client, url, update_url),
        },
    )
    assert "Copil Cœur de ville" in main(client.get(url)).select_one("#instance-existante").get_text()


def test_past_date_is_flagged(client_for, dossier, comite):
    client = client_for(dossier, "equipe")
    url = reverse("gouvernance:seance_create", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    response = client.post(url, {"seance-date": "2020-01-15T18:00", "seance-lieu": "Salle"}, follow=True)
    assert Seance.objects.filter(lieu="Salle").exists()
    assert "date de cette séance est passée" in response.content.decode()
    assert main(response).select_one("#date-passee")


def test_generic_point_choices_and_decision_updates_state(client_for, dossier, seance):
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Habiter")
    fiche = FicheAction.objects.create(dossier=dossier, numero=3, titre="Halle")
    other = FicheAction.objects.create(dossier=DossierFactory(), numero=9, titre="Ailleurs")
    pending = services.object_submit(dossier=dossier, target=fiche, titre="Fiche 3 soumise", by=None)
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    content = main(client.get(url))
    targets = [o["value"] for o in content.select("#id_point-target option")]
    assert f"axe:{axe.pk}" in targets and f"fiche:{fiche.pk}" in targets and f"fiche:{other.pk}" not in targets
    assert str(pending.pk) in [o["value"] for o in content.select("#id_point-pending option")]
    # A forged target of another dossier is refused.
    add_url = reverse("gouvernance:point_add", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    response = client.post(add_url, {"point-titre": "X", "point-target": f"fiche:{other.pk}"})
    assert response.status_code == 200 and not PointOrdreDuJour.objects.filter(titre="X").exists()
    client.post(add_url, {"point-titre": "Axe 1", "point-target": f"axe:{axe.pk}"})
    client.post(add_url, {"point-pending": str(pending.pk)})
    points = list(seance.points.order_by("ordre"))
    assert [p.target for p in points] == [axe, fiche]
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    for point in points:
        decision_url = reverse(
            "gouvernance:decision", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": point.pk}
        )
        client.post(decision_url, {"resultat": "valide", **edit_fields(client, seance_url, decision_url)})
    assert validation_state(axe).code == "valide" and validation_state(fiche).code == "valide"
    index = main(client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})))
    badges = [b["data-etat"] for b in index.select("#validations [data-etat]")]
    assert badges == ["valide", "valide"]
    assert seance.date.strftime("%Y") in index.select_one("#validations").get_text()


def test_correction_via_page_after_approval(client_for, dossier, seance):
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    point = services.point_add(seance=seance, titre="Fiche", target=fiche, by=None)
    client = client_for(dossier, "chef_de_projet")
    decision_url = reverse(
        "gouvernance:decision", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk, "point_pk": point.pk}
    )
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    client.post(decision_url, {"resultat": "rejete", **edit_fields(client, seance_url, decision_url)})
    # Before approval: amended in place.
    client.post(decision_url, {"resultat": "ajourne", **edit_fields(client, seance_url, decision_url)})
    assert Decision.objects.get(point=point).resultat == "ajourne"
    services.seance_set_minutes(seance=seance, compte_rendu="CR", by=None)
    client.post(reverse("gouvernance:approve", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}))
    read = edit_fields(client, seance_url, decision_url)
    client.post(decision_url, {"resultat": "valide", "texte": "Erreur de saisie", **read})
    assert Decision.objects.filter(point=point).count() == 2
    assert validation_state(fiche).code == "valide"
    content = main(client.get(reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})))
    assert [d["data-resultat"] for d in content.select(".decision")] == ["ajourne", "valide"]
    assert not content.select("#point-form")


def test_attendance_for_another_dossiers_seance_refused(client_for, dossier, seance):
    other_seance = SeanceFactory(instance=InstanceFactory())
    stranger = MembreInstanceFactory(instance=other_seance.instance)
    client = client_for(dossier, "chef_de_projet")
    # Another dossier's séance does not exist through this dossier.
    url = reverse("gouvernance:presences", kwargs={"dossier_pk": dossier.pk, "pk": other_seance.pk})
    assert client.post(url, {f"presence-{stranger.pk}": "present"}).status_code == 404
    # Another instance's member on this dossier's séance is refused.
    url = reverse("gouvernance:presences", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
    client.post(url, {f"presence-{stranger.pk}": "present", "version_lue": seance.version})
    assert not seance.presences.exists() and not other_seance.presences.exists()


def test_convocation_emails(client_for, dossier, seance, to_future):
    to_future(seance)
    MembreInstanceFactory(instance=seance.instance, nom="Avec courriel", email="maire@langres.fr")
    MembreInstanceFactory(instance=seance.instance, nom="Sans courriel", email="")
    services.point_add(seance=seance, titre="Budget 2027", by=None)
    client = client_for(dossier, "equipe")
    client.post(reverse("gouvernance:convocation_send", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maire@langres.fr"]
    assert "Budget 2027" in message.body and "Convocation" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    assert Calendar.from_ical(content).walk("VEVENT")[0]["LOCATION"] == "Hôtel de ville"
    seance.refresh_from_db()
    assert seance.convocation_envoyee_le is not None


def test_ics_parsed_back(client_for, dossier, seance):
    services.point_add(seance=seance, titre="Validation de l'axe 1", by=None)
    SeanceFactory(instance=InstanceFactory(dossier=dossier, equipe=True), lieu="Salle B")
    SeanceFactory(instance=InstanceFactory(), lieu="Ailleurs")  # another dossier
    client = client_for(dossier, "elu")
    response = client.get(reverse("gouvernance:seance_ics", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == seance.date.replace(microsecond=0)
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(hours=2)
    assert "Validation de l'axe 1" in str(event["DESCRIPTION"])
    feed = Calendar.from_ical(client.get(reverse("gouvernance:feed", kwargs={"dossier_pk": dossier.pk})).content)
    assert sorted(str(e["LOCATION"]) for e in feed.walk("VEVENT")) == ["Hôtel de ville", "Salle B"]


def test_token_feed_without_login(client, dossier, seance, user):
    calendrier = CalendrierDossier.objects.create(dossier=dossier, user=user)
    response = client.get(reverse("gouvernance:feed_token", args=[calendrier.token]))
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert client.get(reverse("gouvernance:feed_token", args=["faux-jeton"])).status_code == 404


def _populate(dossier, n):
    comite = Instance.objects.filter(dossier=dossier, kind="comite_projet").first() or InstanceFactory(dossier=dossier)
    for i in range(n):
        instance = InstanceFactory(dossier=dossier, technique=True, nom=f"Technique {n}-{i}")
        MembreInstanceFactory(instance=instance)
        seance = SeanceFactory(instance=comite, date=timezone.now() + datetime.timedelta(days=i + 1))
        fiche = FicheAction.objects.create(dossier=dossier, numero=100 * n + i, titre=f"F{i}")
        point = services.point_add(seance=seance, titre=f"P{i}", target=fiche, by=None)
        Decision.objects.create(point=point, resultat="valide")
        AxeStrategique.objects.create(dossier=dossier, numero=100 * n + i, titre=f"A{i}")
        SeanceFactory(instance=instance)
    return comite


def test_query_counts(client_for, dossier, django_assert_num_queries):
    client = client_for(dossier, "chef_de_projet")
    comite = _populate(dossier, 2)
    index = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    instance = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    feed = reverse("gouvernance:feed", kwargs={"dossier_pk": dossier.pk})
    counts = {}
    for url in (index, instance, feed):
        client.get(url)  # warm caches (ContentType)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    _populate(dossier, 5)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
