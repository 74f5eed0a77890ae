"""Gaps found by the audit: the honeypot as rendered, consultations not open yet."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pvd.participation import services
from pvd.participation.models import Contribution

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def public_url(dossier):
    return reverse("participation:public", kwargs={"dossier_pk": dossier.pk})


def valid_data(**extra):
    return {
        "kind": "proposition",
        "theme": "commerce",
        "texte": "Ouvrir une halle le samedi matin.",
        "auteur": "Jeanne",
        "email": "jeanne@exemple.fr",
        "site_web": "",
    } | extra


def test_the_honeypot_is_in_the_public_form_hidden_from_people(client, dossier, page):
    content = BeautifulSoup(client.get(public_url(dossier)).content, "html.parser").select_one("#content")
    field = content.select_one("#contribution-form input[name=site_web]")
    assert field is not None and field.get("value", "") == ""
    # Out of sight, out of the keyboard path, not filled by the browser, silent for screen readers.
    assert field["type"] == "text" and field["tabindex"] == "-1" and field["autocomplete"] == "off"
    container = field.find_parent("div")
    assert container["aria-hidden"] == "true" and "fr-hidden" in container["class"]
    assert container.select_one("label[for=id_site_web]") is not None
    # A robot that fills it in is thanked like a person, and nothing is kept.
    response = client.post(public_url(dossier), valid_data(site_web="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "Merci : votre contribution sera publiée après modération." in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_consultation_not_open_yet_is_neither_shown_nor_accepted(client, dossier, page):
    today = timezone.localdate()
    later = ConsultationFactory(
        dossier=dossier,
        question="Que faire de l'ancienne gare ?",
        ouverture=today + datetime.timedelta(days=1),
        cloture=today + datetime.timedelta(days=30),
    )
    content = BeautifulSoup(client.get(public_url(dossier)).content, "html.parser").select_one("#content")
    assert "ancienne gare" not in content.get_text()
    assert str(later.pk) not in [option["value"] for option in content.select("#id_consultation option")]
    response = client.post(public_url(dossier), valid_data(consultation=str(later.pk)))
    assert response.status_code == 400 and not Contribution.objects.exists()
    # The service refuses it too, whatever the form offers.
    with pytest.raises(ValidationError) as error:
        services.contribution_submit(
            dossier=dossier, kind="proposition", theme="commerce", texte="Une halle couverte.", consultation=later
        )
    assert error.value.message_dict == {"consultation": ["Cette consultation n'est pas ouverte."]}
    # On its opening day it is offered.
    later.ouverture = today
    later.save()
    assert "ancienne gare" in client.get(public_url(dossier)).content.decode()
