"""Confidential fiches on the governance pages and in every document that leaves the platform
(calendars, PDF, e-mails): their titles only for the team."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from pvd.actions.models import FicheAction
from pvd.gouvernance import services
from tests.utils import main

from .factories import MembreInstanceFactory

pytestmark = pytest.mark.django_db


CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


TEAM = {"chef_de_projet", "equipe"}


SECRET = "Rachat secret de la friche Dupont"


SECRET_PENDING = "Préemption discrète du garage"


SECRET_DETAIL = "prix négocié à 240 000 €"


SECRET_DECISION = "Le comité accepte l'offre de 240 000 €."


@pytest.fixture
def confidential(dossier, seance, user):
    """A point on a confidential fiche in the séance, another waiting for a séance."""
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre=SECRET, confidentielle=True)
    other = FicheAction.objects.create(dossier=dossier, numero=2, titre=SECRET_PENDING, confidentielle=True)
    FicheAction.objects.create(dossier=dossier, numero=3, titre="Halle publique", confidentielle=False)
    point = services.point_add(
        seance=seance, titre=f"Fiche action n° 1 : {SECRET}", description=SECRET_DETAIL, target=fiche, by=None
    )
    services.decision_record(point=point, resultat="valide", texte=SECRET_DECISION, by=user)
    services.object_submit(dossier=dossier, target=other, titre=f"Fiche action n° 2 : {SECRET_PENDING}", by=user)
    MembreInstanceFactory(instance=seance.instance, email="maire@exemple.fr")
    return fiche


@pytest.mark.parametrize("kind", sorted(CAN_VIEW))
def test_confidential_titles_only_for_the_team(client_for, dossier, seance, confidential, kind):
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk}
    index = main(client.get(reverse("gouvernance:index", kwargs=kw)))
    page = main(client.get(reverse("gouvernance:seance", kwargs=kw | {"pk": seance.pk})))
    convocation = main(client.get(reverse("gouvernance:convocation", kwargs=kw | {"pk": seance.pk})))
    agenda = page.select_one("#ordre-du-jour").get_text()
    assert "Halle publique" in index.select_one("#validations").get_text()
    if kind in TEAM:
        assert SECRET_PENDING in index.select_one("#soumissions").get_text()
        assert SECRET_PENDING in index.select_one("#validations").get_text()
        assert SECRET in agenda and SECRET_DETAIL in agenda and SECRET_DECISION in agenda
        assert SECRET in convocation.get_text()
        assert SECRET_PENDING in page.select_one("#point-form").get_text()  # pending choice
    else:
        for fragment in (index, page, convocation):
            for secret in (SECRET, SECRET_PENDING, SECRET_DETAIL, SECRET_DECISION):
                assert secret not in fragment.get_text()
        assert "Fiche action confidentielle" in index.select_one("#soumissions").get_text()
        # The masked title names the point; a masked "Objet" under it would only repeat it.
        assert "Fiche action confidentielle" in agenda and "Objet :" not in agenda


@pytest.mark.parametrize("kind", ["chef_de_projet", "lecteur"])
def test_documents_leaving_the_platform_never_show_confidential_titles(client_for, dossier, seance, confidential, kind):
    client = client_for(dossier, kind)
    kw = {"dossier_pk": dossier.pk, "pk": seance.pk}
    seance_event = Calendar.from_ical(client.get(reverse("gouvernance:seance_ics", kwargs=kw)).content)
    feed = Calendar.from_ical(client.get(reverse("gouvernance:feed", kwargs={"dossier_pk": dossier.pk})).content)
    for calendar in (seance_event, feed):
        description = str(calendar.walk("VEVENT")[0]["DESCRIPTION"])
        assert "Fiche action confidentielle" in description and SECRET not in description
    for name in ("convocation_pdf", "compte_rendu_pdf"):
        pdf = PdfReader(io.BytesIO(client.get(reverse(f"gouvernance:{name}", kwargs=kw)).content))
        text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        assert "Fiche action confidentielle" in text and "friche Dupont" not in text, name
        assert "240 000" not in text, name
    calendrier = services.calendrier_renew(dossier=dossier, user=client.user)
    token_feed = client.get(reverse("gouvernance:feed_token", args=[calendrier.token])).content.decode()
    assert "Fiche action confidentielle" in token_feed.replace("\r\n ", "") and "friche" not in token_feed


def test_convocation_email_never_shows_confidential_titles(client_for, dossier, seance, confidential, to_future):
    to_future(seance)
    client = client_for(dossier, "chef_de_projet")
    client.post(reverse("gouvernance:convocation_send", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}))
    assert len(mail.outbox) == 1
    assert "Fiche action confidentielle" in mail.outbox[0].body and SECRET not in mail.outbox[0].body


def test_confidential_fiche_cannot_be_targeted_without_the_right(dossier, seance, confidential):
    from pvd.dossiers.perms import Access
    from pvd.gouvernance.selectors import target_lookup, targetable_objects

    fiches = {key: objects for key, _, objects in targetable_objects(dossier)}["fiche"]
    assert [f.titre for f in fiches] == ["Halle publique"]
    assert target_lookup(dossier, f"fiche:{confidential.pk}") is None
    assert target_lookup(dossier, f"fiche:{confidential.pk}", Access("equipe")) == confidential
