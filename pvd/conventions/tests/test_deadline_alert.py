"""The 18-month deadline's alert on the dossier home and on the conventions page."""

import datetime

import pytest
from django.urls import reverse

from pvd.conventions.models import ConventionType
from tests.utils import main

pytestmark = pytest.mark.django_db


def test_deadline_alert_links_to_the_conventions_except_on_their_page(client_for, dossier, sign_convention):
    sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    client = client_for(dossier, "lecteur")
    index_url = reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})
    home = main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    assert home.select_one(f'#echeance-cadre a[href="{index_url}"]')
    alert = main(client.get(index_url)).select_one("#echeance-cadre")
    assert alert is not None and "Voir les conventions" not in alert.get_text()
