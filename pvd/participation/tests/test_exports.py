"""The contributions' CSV export: local times, formulas neutralised in every text cell."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from pvd.participation.models import Contribution

from .factories import ConsultationFactory, ContributionFactory

pytestmark = pytest.mark.django_db


def _export(client, dossier):
    response = client.get(reverse("participation:export", kwargs={"dossier_pk": dossier.pk}))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_times_are_local(client_for, dossier, settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)  # 16 January, 00:30 in Paris
    contribution = ContributionFactory(dossier=dossier, refusee=True, moderee_le=moment)
    Contribution.objects.filter(pk=contribution.pk).update(created_at=moment)
    line = _export(client_for(dossier, "chef_de_projet"), dossier)[1]
    assert line[1] == "2026-01-16 00:30" and line[11] == "2026-01-16 00:30"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formulas_in_every_text_cell(client_for, dossier, prefix):
    formula = prefix + 'HYPERLINK("http://x")'
    consultation = ConsultationFactory(dossier=dossier, question=formula + " ?")
    ContributionFactory(
        dossier=dossier,
        consultation=consultation,
        texte=formula,
        auteur=formula,
        statut="refusee",
        motif_refus=formula,
        reponse=formula,
    )
    line = _export(client_for(dossier, "chef_de_projet"), dossier)[1]
    # Consultation, author, refusal reason, text, answer.
    for column in (5, 6, 9, 12, 13):
        assert line[column].startswith("'" + prefix), (column, line[column])
