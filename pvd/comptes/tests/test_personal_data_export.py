"""« Télécharger mes données »: everything that points to the user, found through the model graph."""

import datetime
import json

import pytest
from django.urls import reverse

from pvd.actions.models import Note
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes import rgpd
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Invitation, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.models import CalendrierDossier
from pvd.participation.tests.factories import ContributionFactory
from pvd.pilotage.models import Avis
from pvd.suivi.tests.factories import MesureFactory
from tests.utils import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# Every ForeignKey to the user model in the platform today. A new one fails this test: add it to
# `rgpd.EXPORT` (with the fields a user must not receive, a token or a secret key) and here.
EXPECTED_USER_FOREIGN_KEYS = {
    "actions.FicheHistory.by",
    "actions.LigneFinancement.decision_etat_par",
    "actions.Note.auteur",
    "actions.PieceJointe.added_by",
    "admin.LogEntry.user",
    "conventions.ConventionDocument.uploaded_by",
    "diagnostic.DonneeImport.created_by",
    "diagnostic.PointInteret.created_by",
    "documents.Document.created_by",
    "documents.DocumentVersion.uploaded_by",
    "dossiers.DemandeDossier.decided_by",
    "dossiers.DemandeDossier.demandeur",
    "dossiers.Invitation.invited_by",
    "dossiers.Membre.user",
    "gouvernance.CalendrierDossier.user",
    "gouvernance.Decision.recorded_by",
    "gouvernance.MembreInstance.user",
    "gouvernance.PointOrdreDuJour.submitted_by",
    "gouvernance.Seance.compte_rendu_approved_by",
    "journal.Corbeille.deleted_by",
    "participation.Contribution.answered_by",
    "participation.Contribution.moderated_by",
    "participation.Moderation.by",
    "pilotage.AlerteEnvoyee.user",
    "pilotage.Avis.auteur",
    "pilotage.BilanAnnuel.updated_by",
    "strategie.ProjetTerritoireVersion.auteur",
    "suivi.Mesure.entered_by",
    "suivi.Mesure.updated_by",
}


def test_every_foreign_key_to_the_user_is_in_the_export():
    found = {key for key, model, _ in rgpd.user_foreign_keys() if not rgpd.is_history_model(model)}
    assert found == EXPECTED_USER_FOREIGN_KEYS, (
        "Une clé étrangère vers le compte est apparue ou a disparu : décidez ce qu'un utilisateur en "
        "télécharge dans pvd.comptes.rgpd.EXPORT, puis mettez à jour EXPECTED_USER_FOREIGN_KEYS."
    )
    assert set(rgpd.EXPORT) == found


def test_the_excluded_fields_exist():
    for key, excluded in rgpd.EXPORT.items():
        model = next(m for k, m, _ in rgpd.user_foreign_keys() if k == key)
        names = {f.name for f in model._meta.concrete_fields}
        assert set(excluded) <= names, key


def _download(client, user):
    client.force_login(user)
    response = client.get(reverse("comptes:mes_donnees"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-pvd-')
    return json.loads(response.content)


def _by_model(data):
    return {(block["modele"], block["lien"]): block["objets"] for block in data["donnees"]}


def test_the_download_holds_the_account_and_what_points_to_it(client):
    user = UserFactory(email="claire@exemple.fr", first_name="Claire", last_name="Dupont", organisation="Mairie")
    dossier = DossierFactory()
    MembreFactory(dossier=dossier, user=user, role=Role.EQUIPE)
    fiche = FicheFactory(dossier=dossier)
    Note.objects.create(fiche=fiche, auteur=user, date=datetime.date(2026, 3, 1), texte="Réunion de chantier.")
    MesureFactory(entered_by=user)
    ContributionFactory(dossier=dossier, moderated_by=user, auteur="Jeanne Habitante", email="jeanne@exemple.fr")
    Avis.objects.create(
        dossier=dossier,
        objet="Fiche 1",
        sens="favorable",
        texte="Bien.",
        date=datetime.date(2026, 2, 1),
        auteur=user,
        auteur_nom="Claire Dupont",
        emetteur="Préfecture",
    )
    CalendrierDossier.objects.create(dossier=dossier, user=user)
    Invitation.objects.create(dossier=dossier, email="claire@exemple.fr", role=Role.EQUIPE, invited_by=user)
    # Someone else's data never comes with it.
    other = UserFactory()
    Note.objects.create(fiche=fiche, auteur=other, date=datetime.date(2026, 3, 2), texte="Note d'un collègue.")

    data = _download(client, user)

    assert data["compte"]["email"] == "claire@exemple.fr"
    assert data["compte"]["organisation"] == "Mairie"
    assert "password" not in data["compte"]
    blocks = _by_model(data)
    assert [n["texte"] for n in blocks[("actions.Note", "auteur")]] == ["Réunion de chantier."]
    assert blocks[("dossiers.Membre", "compte")][0]["role"] == "equipe"
    assert len(blocks[("suivi.Mesure", "saisie par")]) == 1
    assert blocks[("pilotage.Avis", "auteur")][0]["texte"] == "Bien."
    assert blocks[("dossiers.Invitation", "adresse électronique")][0]["email"] == "claire@exemple.fr"
    assert ("dossiers.Invitation", "envoyée par") in blocks
    moderated = blocks[("participation.Contribution", "modérée par")][0]
    # The resident's name and address are not the moderator's data.
    assert "email" not in moderated and "auteur" not in moderated
    response_text = json.dumps(data, ensure_ascii=False)
    assert "jeanne@exemple.fr" not in response_text and "Jeanne Habitante" not in response_text
    # Secrets stay out: the calendar's private feed token, the invitation's link.
    calendar = blocks[("gouvernance.CalendrierDossier", "compte")][0]
    assert "token" not in calendar
    assert CalendrierDossier.objects.get().token not in response_text
    assert Invitation.objects.get().token not in response_text
    assert "Note d'un collègue." not in response_text


def test_the_download_needs_to_be_signed_in(client):
    response = client.get(reverse("comptes:mes_donnees"))
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_the_download_runs_a_fixed_number_of_queries():
    user = UserFactory()
    dossier = DossierFactory()
    fiche = FicheFactory(dossier=dossier)

    def grow():
        for n in range(5):
            Note.objects.create(fiche=fiche, auteur=user, date=datetime.date(2026, 1, 1 + n), texte=f"Note {n}")
            MesureFactory(entered_by=user)

    assert_queries_do_not_grow(lambda: rgpd.personal_data(user), grow=grow)


def test_the_preferences_page_links_to_the_download_and_the_closure(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("comptes:preferences")).content.decode()
    assert f'href="{reverse("comptes:mes_donnees")}"' in page and "Télécharger mes données" in page
    assert f'href="{reverse("comptes:fermer")}"' in page and "Fermer mon compte" in page
