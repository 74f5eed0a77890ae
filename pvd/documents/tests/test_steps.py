"""Step 3 of the dossier home (diagnostic du territoire), read from the diagnostic documents."""

import pytest
from django.urls import reverse

from pvd.documents.steps import diagnostic
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE

from .factories import DocumentFactory
from .test_documents import _decide, url

pytestmark = pytest.mark.django_db


def _step(client, dossier, main):
    home = main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    step = home.select_one('#etapes [data-step="diagnostic"]')
    return step["data-etat"], step.get_text(" ", strip=True)


def test_diagnostic_step_follows_the_diagnostic_documents(client_for, dossier, main):
    client = client_for(dossier, "chef_de_projet")
    DocumentFactory(dossier=dossier, kind="etude")  # another kind does not count
    DocumentFactory(dossier=dossier, kind="diagnostic", confidential=True)  # nor a confidential one
    etat, text = _step(client, dossier, main)
    assert etat == A_VENIR and "Aucun document de diagnostic déposé." in text

    document = DocumentFactory(dossier=dossier, kind="diagnostic")
    etat, text = _step(client, dossier, main)
    assert etat == EN_COURS and "1 document de diagnostic déposé, aucun validé par le comité de projet." in text

    client.post(url("submit", dossier, document_pk=document.pk))
    _decide(document, client.user, resultat="ajourne")
    assert _step(client, dossier, main)[0] == EN_COURS  # adjourned is not validated

    validated = DocumentFactory(dossier=dossier, kind="diagnostic")
    client.post(url("submit", dossier, document_pk=validated.pk))
    _decide(validated, client.user, resultat="valide")
    etat, text = _step(client, dossier, main)
    assert etat == TERMINE
    assert "2 documents de diagnostic déposés, dont 1 validé par le comité de projet." in text


def test_diagnostic_step_query_count_does_not_grow(dossier, django_assert_num_queries):
    DocumentFactory.create_batch(2, dossier=dossier, kind="diagnostic")
    diagnostic(dossier)  # content types cached
    with django_assert_num_queries(3):  # documents, decisions, pending points
        assert diagnostic(dossier)[0] == EN_COURS
    DocumentFactory.create_batch(10, dossier=dossier, kind="diagnostic")
    with django_assert_num_queries(3):
        diagnostic(dossier)
