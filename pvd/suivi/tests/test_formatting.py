"""Indicator values in French on the pages: no "18,5000", a decimal comma, grouped thousands.
(The formatting itself is tested in pvd/core/tests/test_formatting.py.)"""

from decimal import Decimal

from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.suivi.tests.factories import IndicateurFactory


def test_fiche_page_shows_the_target_in_french(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    IndicateurFactory(dossier=dossier, fiche=fiche, nom="Logements rénovés", unite="logements", cible=Decimal("18.5"))
    IndicateurFactory(dossier=dossier, fiche=fiche, nom="Surface", unite="m²", cible=Decimal("62000"))
    client = client_for(dossier, "elu")
    response = client.get(reverse("actions:fiche", args=[dossier.pk, fiche.pk]))
    items = BeautifulSoup(response.content, "html.parser").select("#indicateurs-liste li")
    text = " ".join(item.get_text(" ", strip=True) for item in items)
    assert "cible 18,5" in text and "18,50" not in text
    assert "cible 62\u00a0000" in text
