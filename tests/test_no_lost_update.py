"""No lost update (pvd.core.concurrency): two people open the same edit form; the first save
goes through, the second is refused with what the first changed and keeps what was typed, and
goes through once merged. Every edit form of dossier data is in CASES."""

import datetime
import threading
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pvd.actions import services as actions_services
from pvd.actions.forms import FicheForm
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.core.concurrency import StaleVersion, claim_version
from pvd.core.formatting import nombre
from pvd.core.forms import INCOMPLETE_MESSAGE, READ_FIELD, VERSION_FIELD, apply_validation_error
from pvd.diagnostic.tests import factories_export as diag
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.models import Role
from pvd.gouvernance.tests.factories import InstanceFactory, MembreInstanceFactory, SeanceFactory
from pvd.participation.models import PageParticipation
from pvd.pilotage.models_bilan import BilanAnnuel
from pvd.strategie.models import ProjetTerritoire, SousObjectif
from pvd.strategie.tests.factories import AxeFactory, SecteurFactory
from pvd.strategie.tests.factories import IndicateurFactory as AxeIndicateurFactory
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory
from pvd.territoires.models import Organisation, OrganisationType
from tests.utils import form_fields, main

STALE = "Quelqu'un d'autre a enregistré une modification pendant que vous modifiiez ce formulaire"


@dataclass
class Case:
    """One edit form: `make(dossier)` the object edited (None: the form creates it at its first
    save), `page`/`action` its page and where it posts, what A types (`a`) and what B types
    (`b`), as form field names (prefix included); `read(obj)` the saved values by the same names."""

    make: object
    page: object
    read: object
    a: dict
    b: dict
    action: object = None
    model: object = None  # the model of an object `make` does not create
    # How the conflict table shows a value, when not as typed (a number with its spaces).
    shown: dict = field(default_factory=dict)
    user: object = None  # who edits, when not a chef de projet of the dossier (a national page)

    def show(self, name, value):
        return self.shown[name](value) if name in self.shown else value


def _d(name, dossier, **kwargs):
    return reverse(name, kwargs={"dossier_pk": dossier.pk, **kwargs})


def _fiche_url(fiche):
    return _d("actions:fiche_update", fiche.dossier, fiche_pk=fiche.pk)


def _instance_detail(instance):
    return _d("gouvernance:instance", instance.dossier, pk=instance.pk)


def _seance_detail(seance):
    return _d("gouvernance:seance", seance.instance.dossier, pk=seance.pk)


CASES = {
    "fiche action": Case(
        make=lambda dossier: FicheFactory(dossier=dossier),
        page=_fiche_url,
        read=lambda fiche: {"titre": fiche.titre, "description": fiche.description},
        a={"titre": "Halle rénovée (par A)"},
        b={"description": "Une description écrite par B."},
    ),
    "ligne de financement": Case(
        make=lambda dossier: LigneFactory(fiche=FicheFactory(dossier=dossier), montant=Decimal("10000")),
        page=lambda ligne: _d("actions:ligne_update", ligne.fiche.dossier, fiche_pk=ligne.fiche_id, ligne_pk=ligne.pk),
        read=lambda ligne: {"montant": f"{ligne.montant:.0f}", "date_demande": str(ligne.date_demande)},
        a={"montant": "15000"},
        shown={"montant": lambda value: nombre(Decimal(value))},
        b={"date_demande": "2026-03-02"},
    ),
    "axe stratégique": Case(
        make=lambda dossier: AxeFactory(dossier=dossier),
        page=lambda axe: _d("strategie:axe_update", axe.dossier, axe_pk=axe.pk),
        read=lambda axe: {"titre": axe.titre, "enjeux": axe.enjeux},
        a={"titre": "Habiter le centre (par A)"},
        b={"enjeux": "Des enjeux écrits par B."},
    ),
    "sous-objectif d'un axe": Case(
        make=lambda dossier: SousObjectif.objects.create(axe=AxeFactory(dossier=dossier), titre="Sous-objectif lu"),
        page=lambda sous: _d("strategie:axe_update", sous.axe.dossier, axe_pk=sous.axe_id),
        action=lambda sous: _d("strategie:sous_objectif_update", sous.axe.dossier, pk=sous.pk),
        read=lambda sous: {"titre": sous.titre},
        a={"titre": "Sous-objectif de A"},
        b={"titre": "Sous-objectif de B"},
    ),
    "indicateur d'un axe": Case(
        make=lambda dossier: AxeIndicateurFactory(axe=AxeFactory(dossier=dossier)),
        page=lambda indicateur: _d("strategie:indicateur_update", indicateur.dossier, pk=indicateur.pk),
        read=lambda indicateur: {"nom": indicateur.nom, "source": indicateur.source},
        a={"nom": "Logements vacants (par A)"},
        b={"source": "INSEE (par B)"},
    ),
    "indicateur d'une fiche": Case(
        make=lambda dossier: IndicateurFactory(dossier=dossier, fiche=FicheFactory(dossier=dossier)),
        page=lambda indicateur: _d(
            "actions:indicateur_update", indicateur.dossier, fiche_pk=indicateur.fiche_id, indicateur_pk=indicateur.pk
        ),
        read=lambda indicateur: {"nom": indicateur.nom, "source": indicateur.source},
        a={"nom": "Commerces ouverts (par A)"},
        b={"source": "CCI (par B)"},
    ),
    "valeur d'un indicateur": Case(
        make=lambda dossier: MesureFactory(indicateur=IndicateurFactory(dossier=dossier), source="Lue"),
        page=lambda mesure: _d(
            "suivi:valeur_update", mesure.indicateur.dossier, pk=mesure.indicateur_id, mesure_pk=mesure.pk
        ),
        read=lambda mesure: {"source": mesure.source, "commentaire": mesure.commentaire},
        a={"source": "INSEE (par A)"},
        b={"commentaire": "Le commentaire de B."},
    ),
    "texte du diagnostic": Case(
        make=lambda dossier: diag.DiagnosticFactory(dossier=dossier),
        page=lambda diagnostic: _d("diagnostic:edit", diagnostic.dossier),
        read=lambda diagnostic: {"histoire": diagnostic.histoire, "synthese": diagnostic.synthese},
        a={"histoire": "L'histoire écrite par A."},
        b={"synthese": "La synthèse écrite par B."},
    ),
    "chiffre du diagnostic": Case(
        make=lambda dossier: diag.DonneeFactory(dossier=dossier),
        page=lambda donnee: _d("diagnostic:donnee_edit", donnee.dossier, donnee_pk=donnee.pk),
        read=lambda donnee: {"libelle": donnee.libelle, "source": donnee.source},
        a={"libelle": "Population (par A)"},
        b={"source": "INSEE (par B)"},
    ),
    "constat de l'AFOM": Case(
        make=lambda dossier: diag.AfomItemFactory(dossier=dossier, texte="Constat lu"),
        page=lambda item: _d("diagnostic:afom_update", item.dossier, pk=item.pk),
        read=lambda item: {"texte": item.texte},
        a={"texte": "Le constat de A."},
        b={"texte": "Le constat de B."},
    ),
    "document de planification": Case(
        make=lambda dossier: diag.PlanFactory(dossier=dossier),
        page=lambda plan: _d("diagnostic:plan_update", plan.dossier, pk=plan.pk),
        read=lambda plan: {"nom": plan.nom, "porteur": plan.porteur},
        a={"nom": "PLUi (par A)"},
        b={"porteur": "CC du Grand Langres (par B)"},
    ),
    "étude": Case(
        make=lambda dossier: diag.EtudeFactory(dossier=dossier),
        page=lambda etude: _d("diagnostic:etude_update", etude.dossier, pk=etude.pk),
        read=lambda etude: {"objet": etude.objet, "prestataire": etude.prestataire},
        a={"objet": "Étude OPAH-RU (par A)"},
        b={"prestataire": "Bureau d'études (par B)"},
    ),
    "initiative structurante": Case(
        make=lambda dossier: diag.InitiativeFactory(dossier=dossier),
        page=lambda initiative: _d("diagnostic:initiative_update", initiative.dossier, pk=initiative.pk),
        read=lambda initiative: {"nom": initiative.nom, "porteur": initiative.porteur},
        a={"nom": "Tiers-lieu de la gare (par A)"},
        b={"porteur": "Association (par B)"},
    ),
    "point d'intérêt": Case(
        make=lambda dossier: diag.PointInteretFactory(dossier=dossier),
        page=lambda point: _d("diagnostic:point_update", point.dossier, pk=point.pk),
        read=lambda point: {"nom": point.nom, "description": point.description},
        a={"nom": "Local vacant (par A)"},
        b={"description": "Décrit par B."},
    ),
    "dossier": Case(
        make=lambda dossier: dossier,
        page=lambda dossier: reverse("dossiers:update", kwargs={"dossier_pk": dossier.pk}),
        read=lambda dossier: {"nom": dossier.nom, "pvd_id": dossier.pvd_id},
        a={"nom": "Langres (par A)"},
        b={"pvd_id": "PVD-52-B"},
    ),
    "organisation nationale (ANCT)": Case(
        make=lambda dossier: Organisation.objects.create(nom="Cerema", kind=OrganisationType.CEREMA),
        page=lambda organisation: reverse("territoires:organisation_update", kwargs={"pk": organisation.pk}),
        read=lambda organisation: {"nom": organisation.nom, "siren": organisation.siren},
        a={"nom": "Cerema Est (par A)"},
        b={"siren": "130018351"},
        user=lambda: UserFactory(anct=True),
    ),
    "page publique de participation": Case(
        make=lambda dossier: PageParticipation.objects.create(dossier=dossier, titre="Participez", introduction="Lue"),
        page=lambda page: _d("participation:moderation", page.dossier),
        action=lambda page: _d("participation:page_update", page.dossier),
        read=lambda page: {"page-titre": page.titre, "page-introduction": page.introduction},
        a={"page-titre": "Participez (par A)"},
        b={"page-introduction": "L'introduction de B."},
    ),
    "appréciation du bilan annuel": Case(
        make=lambda dossier: BilanAnnuel.objects.create(
            dossier=dossier, annee=timezone.localdate().year - 1, appreciation="Appréciation lue."
        ),
        page=lambda bilan: _d("pilotage:bilan_edit", bilan.dossier, annee=bilan.annee),
        read=lambda bilan: {"appreciation": bilan.appreciation},
        a={"appreciation": "L'appréciation de A."},
        b={"appreciation": "L'appréciation de B."},
    ),
    "projet de territoire (pas encore créé)": Case(
        make=lambda dossier: None,
        model=ProjetTerritoire,
        page=lambda dossier: _d("strategie:projet_edit", dossier),
        read=lambda projet: {"resume": projet.resume},
        a={"resume": "La synthèse de A."},
        b={"resume": "La synthèse de B."},
    ),
    "projet de territoire": Case(
        make=lambda dossier: ProjetTerritoire.objects.create(dossier=dossier, resume="Première synthèse."),
        page=lambda projet: _d("strategie:projet_edit", projet.dossier),
        read=lambda projet: {"resume": projet.resume},
        a={"resume": "La synthèse de A."},
        b={"resume": "La synthèse de B."},
    ),
    "secteur": Case(
        make=lambda dossier: SecteurFactory(dossier=dossier),
        page=lambda secteur: _d("strategie:secteur_update", secteur.dossier, pk=secteur.pk),
        read=lambda secteur: {"nom": secteur.nom, "description": secteur.description},
        a={"nom": "Centre ancien (par A)"},
        b={"description": "Le périmètre décrit par B."},
    ),
    "convention": Case(
        make=lambda dossier: ConventionFactory(dossier=dossier, titre="Convention d'adhésion"),
        page=lambda convention: _d("conventions:update", convention.dossier, pk=convention.pk),
        read=lambda convention: {"titre": convention.titre, "objet": convention.objet},
        a={"titre": "Convention d'adhésion (par A)"},
        b={"objet": "L'objet écrit par B."},
    ),
    "signataire": Case(
        make=lambda dossier: SignataireFactory(
            convention=ConventionFactory(dossier=dossier), organisation__dossier=dossier
        ),
        page=lambda signataire: _d(
            "conventions:signataire_update",
            signataire.convention.dossier,
            pk=signataire.convention_id,
            signataire_pk=signataire.pk,
        ),
        read=lambda signataire: {"representant": signataire.representant, "qualite": signataire.qualite},
        a={"representant": "Marie Curie (par A)"},
        b={"qualite": "Présidente (par B)"},
    ),
    "instance": Case(
        make=lambda dossier: InstanceFactory(dossier=dossier),
        page=_instance_detail,
        action=lambda instance: _d("gouvernance:instance_update", instance.dossier, pk=instance.pk),
        read=lambda instance: {"instance-nom": instance.nom, "instance-description": instance.description},
        a={"instance-nom": "Comité de projet (par A)"},
        b={"instance-description": "La description écrite par B."},
    ),
    "séance": Case(
        make=lambda dossier: SeanceFactory(instance=InstanceFactory(dossier=dossier)),
        page=_seance_detail,
        action=lambda seance: _d("gouvernance:seance_update", seance.instance.dossier, pk=seance.pk),
        read=lambda seance: {
            "seance-lieu": seance.lieu,
            "seance-date": timezone.localtime(seance.date).strftime("%Y-%m-%dT%H:%M"),
        },
        a={"seance-lieu": "Salle des fêtes (par A)"},
        b={"seance-date": "2030-01-15T18:00"},
    ),
    "compte rendu de séance": Case(
        make=lambda dossier: SeanceFactory(instance=InstanceFactory(dossier=dossier), passee=True),
        page=_seance_detail,
        action=lambda seance: _d("gouvernance:compte_rendu", seance.instance.dossier, pk=seance.pk),
        read=lambda seance: {"cr-compte_rendu": seance.compte_rendu},
        a={"cr-compte_rendu": "Le compte rendu de A."},
        b={"cr-compte_rendu": "Le compte rendu de B."},
    ),
    "document": Case(
        make=lambda dossier: DocumentFactory(dossier=dossier),
        page=lambda document: _d("documents:update", document.dossier, document_pk=document.pk),
        read=lambda document: {"titre": document.titre, "description": document.description},
        a={"titre": "Étude pré-opérationnelle (par A)"},
        b={"description": "La description écrite par B."},
    ),
}


def _two_clients(dossier, make_viewer, case=None):
    clients = []
    for _ in range(2):
        client = Client()
        user = case.user() if case is not None and case.user else make_viewer(dossier, Role.CHEF_DE_PROJET)
        client.force_login(user)
        clients.append(client)
    return clients


def _saved(case, dossier, obj):
    if obj is None:
        return case.read(case.model.objects.get(dossier=dossier))
    return case.read(type(obj).objects.get(pk=obj.pk))


def _urls(case, dossier, obj):
    page = case.page(obj if obj is not None else dossier)
    return page, (case.action(obj) if case.action else page)


@pytest.mark.parametrize("name", list(CASES))
def test_second_save_is_refused_then_merged(name, dossier, make_viewer):
    case = CASES[name]
    obj = case.make(dossier)
    page, action = _urls(case, dossier, obj)
    alice, bruno = _two_clients(dossier, make_viewer, case)
    read_a = form_fields(alice.get(page), action)
    read_b = form_fields(bruno.get(page), action)
    before = _saved(case, dossier, obj) if obj is not None else None

    response = alice.post(action, {**read_a, **case.a})
    assert response.status_code == 302, main(response).get_text(" ", strip=True)[:800]
    after_a = _saved(case, dossier, obj)
    assert {name: after_a[name] for name in case.a} == case.a

    response = bruno.post(action, {**read_b, **case.b})
    assert response.status_code in (200, 400)
    content = main(response)
    assert STALE in content.get_text(" ")
    # The table says what A changed: the value B read, the value now saved.
    table = content.select_one("table:has(caption:-soup-contains('Changements enregistrés'))")
    changes = {
        row.th.get_text(strip=True): [td.get_text() for td in row.select("td")] for row in table.tbody.select("tr")
    }
    assert len(changes) == len(case.a)
    assert [now for _, now in changes.values()] == [case.show(name, value) for name, value in case.a.items()]
    if before is not None:
        assert [read for read, _ in changes.values()] == [case.show(name, before[name]) or "(vide)" for name in case.a]
    # Nothing of B's saved; what B typed is still in the form, which now carries the new version.
    assert _saved(case, dossier, obj) == after_a
    shown = form_fields(response, action)
    assert {name: shown[name] for name in case.b} == case.b
    version_name = next(name for name in shown if name.endswith(VERSION_FIELD))
    assert shown[version_name] != read_b[version_name]

    # B merges (takes A's change as well) and saves again: both changes are kept.
    response = bruno.post(action, {**shown, **case.a, **case.b} if set(case.a) != set(case.b) else {**shown, **case.b})
    assert response.status_code == 302, main(response).get_text(" ", strip=True)[:800]
    expected = {**after_a, **case.b}
    assert _saved(case, dossier, obj) == expected


@pytest.mark.parametrize("name", list(CASES))
def test_a_post_without_the_version_is_refused(name, dossier, make_viewer):
    case = CASES[name]
    obj = case.make(dossier)
    page, action = _urls(case, dossier, obj)
    if obj is None:
        obj = ProjetTerritoire.objects.create(dossier=dossier)  # the form checks an existing projet
    client, _ = _two_clients(dossier, make_viewer, case)
    data = {
        key: value
        for key, value in form_fields(client.get(page), action).items()
        if not key.endswith((VERSION_FIELD, READ_FIELD))
    }
    before = _saved(case, dossier, obj)
    response = client.post(action, {**data, **case.a})
    assert response.status_code in (200, 400)
    assert INCOMPLETE_MESSAGE in main(response).get_text(" ")
    assert _saved(case, dossier, obj) == before


def test_a_change_outside_the_form_does_not_refuse_the_save(dossier, make_viewer):
    """Publishing the fiche (not a field of the edit form) between the read and the save."""
    fiche = FicheFactory(dossier=dossier)
    client, _ = _two_clients(dossier, make_viewer)
    read = form_fields(client.get(_fiche_url(fiche)))
    actions_services.fiche_publication(fiche=fiche, by=None, publiee=True)
    response = client.post(_fiche_url(fiche), {**read, "titre": "Nouveau titre"})
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert (fiche.titre, fiche.publiee, fiche.version) == ("Nouveau titre", True, 3)


def test_the_service_refuses_a_stale_version_and_the_form_shows_it(dossier):
    """A save between the form's check and the service's write (what two concurrent requests
    do): the service's conditional write refuses it, nothing is saved, the form shows the change."""
    fiche = FicheFactory(dossier=dossier, titre="Titre lu")
    data = {**form_fields_of(FicheForm(instance=fiche, dossier=dossier)), "description": "Par B"}
    form = FicheForm(data, instance=fiche, dossier=dossier)
    assert form.is_valid(), form.errors
    other = type(fiche).objects.get(pk=fiche.pk)
    actions_services.fiche_update(fiche=other, by=None, titre="Titre de A", expected_version=other.version)
    with pytest.raises(StaleVersion) as refused:
        actions_services.fiche_update(fiche=fiche, by=None, description="Par B", expected_version=form.read_version)
    apply_validation_error(form, refused.value)
    fiche.refresh_from_db()
    assert (fiche.titre, fiche.description, fiche.version) == ("Titre de A", "", 2)
    assert [(c["label"], c["read"], c["now"]) for c in form.conflict] == [("Titre", "Titre lu", "Titre de A")]
    assert form.data[VERSION_FIELD] == "2"


def test_services_without_a_version_still_count_versions(dossier):
    """An import or a quick status change passes no version: it increments it all the same, so
    that a form read before is refused."""
    ligne = LigneFactory(fiche=FicheFactory(dossier=dossier))
    actions_services.ligne_financement_update(ligne=ligne, by=None, statut="accorde")
    ligne.refresh_from_db()
    assert ligne.version == 2
    with pytest.raises(StaleVersion):
        claim_version(ligne, expected_version=1)


def form_fields_of(form) -> dict:
    """An unbound form's values as it would post them (a ModelForm's initial, the hidden version)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    return data


def test_end_of_mandate_already_recorded_is_refused(dossier, make_viewer):
    """The end of a member's mandate, typed by two people at once: the second is told."""
    membre = MembreInstanceFactory(instance=InstanceFactory(dossier=dossier))
    page = _instance_detail(membre.instance)
    action = _d("gouvernance:membre_end", dossier, pk=membre.instance_id, membre_pk=membre.pk)
    alice, bruno = _two_clients(dossier, make_viewer)
    read_a, read_b = form_fields(alice.get(page), action), form_fields(bruno.get(page), action)
    assert alice.post(action, {**read_a, "fin": "2026-01-31"}).status_code == 302
    response = bruno.post(action, {**read_b, "fin": "2026-02-28"}, follow=True)
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert STALE in text and "31/01/2026" in text
    membre.refresh_from_db()
    assert membre.fin == datetime.date(2026, 1, 31)


def test_signature_already_recorded_is_refused(dossier, make_viewer):
    """A signature typed by two people at once on the convention's page: the second is told
    what the first recorded, and nothing of it is saved."""
    signataire = SignataireFactory(convention=ConventionFactory(dossier=dossier), organisation__dossier=dossier)
    page = _d("conventions:detail", dossier, pk=signataire.convention_id)
    action = _d("conventions:signature", dossier, pk=signataire.convention_id, signataire_pk=signataire.pk)
    alice, bruno = _two_clients(dossier, make_viewer)
    read_a, read_b = form_fields(alice.get(page), action), form_fields(bruno.get(page), action)
    assert alice.post(action, {**read_a, "signe_le": "2026-01-15"}).status_code == 302
    response = bruno.post(action, {**read_b, "signe_le": "2026-01-20"}, follow=True)
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert STALE in text and "15/01/2026" in text
    signataire.refresh_from_db()
    assert signataire.signe_le == datetime.date(2026, 1, 15)
    # Read again, the form carries the new version: the correction goes through.
    read_b = form_fields(bruno.get(page), action)
    assert bruno.post(action, {**read_b, "signe_le": "2026-01-20"}).status_code == 302
    signataire.refresh_from_db()
    assert signataire.signe_le == datetime.date(2026, 1, 20)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write at a time: no real concurrency")
def test_concurrent_saves_on_postgresql_exactly_one_succeeds():
    """Two requests read at the same version, sent at the same moment from two threads (each with
    its own connection): the conditional write lets exactly one through."""
    from pvd.comptes.tests.factories import UserFactory
    from pvd.dossiers.tests.factories import DossierFactory, MembreFactory

    dossier = DossierFactory()
    fiche = FicheFactory(dossier=dossier)
    users = [MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user for _ in range(2)]
    assert UserFactory  # the accounts of the two colleagues are made above
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append((client, form_fields(client.get(_fiche_url(fiche)))))
    barrier = threading.Barrier(2)
    statuses = [None, None]

    def save(index):
        client, read = clients[index]
        try:
            barrier.wait(timeout=30)
            statuses[index] = client.post(_fiche_url(fiche), {**read, "titre": f"Titre de {index}"}).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 302]
    fiche.refresh_from_db()
    assert fiche.version == 2
    assert fiche.titre == f"Titre de {statuses.index(302)}"


def _messages_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def _past_seance(dossier):
    return SeanceFactory(instance=InstanceFactory(dossier=dossier), passee=True)


@pytest.mark.parametrize("approved", [False, True], ids=["modifiée", "corrigée"])
def test_decision_saved_meanwhile_is_refused(dossier, make_viewer, approved):
    """A décision typed by two people at once on the séance's page (the first one, its
    modification, or its correction once the minutes are approved): the second is told what
    the first recorded, nothing of it is saved, and it goes through once the page is read again."""
    from pvd.gouvernance import selectors as gouvernance_selectors
    from pvd.gouvernance import services as gouvernance_services

    seance = _past_seance(dossier)
    chef = make_viewer(dossier, Role.CHEF_DE_PROJET)
    point = gouvernance_services.point_add(seance=seance, titre="Budget", by=chef)
    page = _seance_detail(seance)
    action = _d("gouvernance:decision", dossier, pk=seance.pk, point_pk=point.pk)
    alice, bruno = _two_clients(dossier, make_viewer)

    def current():
        decision = gouvernance_selectors.current_decision(point)
        return (decision.resultat, decision.texte) if decision else None

    steps = [("valide", "Accord du comité"), ("ajourne", "Vue de B")]
    # A first décision, then (for « corrigée ») the minutes approved: both forms amend or correct it.
    gouvernance_services.decision_record(point=point, resultat="rejete", texte="Première", by=chef)
    if approved:
        gouvernance_services.seance_set_minutes(seance=seance, compte_rendu="CR", by=chef)
        gouvernance_services.seance_approve_minutes(seance=seance, by=chef)
    read_a, read_b = form_fields(alice.get(page), action), form_fields(bruno.get(page), action)
    response = alice.post(action, {**read_a, "resultat": steps[0][0], "texte": steps[0][1]})
    assert response.status_code == 302
    assert current() == steps[0]
    response = bruno.post(action, {**read_b, "resultat": steps[1][0], "texte": steps[1][1]}, follow=True)
    text = _messages_text(response)
    assert STALE in text and "« Validé" in text and "Accord du comité" in text
    assert current() == steps[0]
    assert point.decisions.count() == (2 if approved else 1)
    # Read again, the form carries the décision now in force: the save goes through.
    read_b = form_fields(bruno.get(page), action)
    assert bruno.post(action, {**read_b, "resultat": steps[1][0], "texte": steps[1][1]}).status_code == 302
    assert current() == steps[1]
    assert point.decisions.count() == (3 if approved else 1)


def test_first_decision_recorded_meanwhile_is_refused(dossier, make_viewer):
    """Two people record the first décision of a point at once: the second is not a second décision."""
    from pvd.gouvernance import services as gouvernance_services

    seance = _past_seance(dossier)
    point = gouvernance_services.point_add(seance=seance, titre="Budget", by=make_viewer(dossier, Role.CHEF_DE_PROJET))
    page = _seance_detail(seance)
    action = _d("gouvernance:decision", dossier, pk=seance.pk, point_pk=point.pk)
    alice, bruno = _two_clients(dossier, make_viewer)
    read_a, read_b = form_fields(alice.get(page), action), form_fields(bruno.get(page), action)
    assert alice.post(action, {**read_a, "resultat": "valide", "texte": "De A"}).status_code == 302
    text = _messages_text(bruno.post(action, {**read_b, "resultat": "rejete", "texte": "De B"}, follow=True))
    assert STALE in text and "De A" in text
    assert list(point.decisions.values_list("resultat", "texte")) == [("valide", "De A")]


def test_presences_saved_meanwhile_are_refused(dossier, make_viewer):
    """The attendance list saved by two people at once: the second is told what is saved now,
    nothing of it is saved, and it goes through once the page is read again."""
    seance = _past_seance(dossier)
    marie = MembreInstanceFactory(instance=seance.instance, nom="Marie Curie")
    paul = MembreInstanceFactory(instance=seance.instance, nom="Paul Langevin")
    page = _seance_detail(seance)
    action = _d("gouvernance:presences", dossier, pk=seance.pk)
    alice, bruno = _two_clients(dossier, make_viewer)
    read_a, read_b = form_fields(alice.get(page), action), form_fields(bruno.get(page), action)

    def saved():
        return dict(seance.presences.values_list("membre__nom", "statut"))

    assert alice.post(action, {**read_a, f"presence-{marie.pk}": "present"}).status_code == 302
    assert saved() == {"Marie Curie": "present"}
    response = bruno.post(action, {**read_b, f"presence-{paul.pk}": "excuse"}, follow=True)
    text = _messages_text(response)
    assert STALE in text and "Marie Curie : Présence" in text
    assert saved() == {"Marie Curie": "present"}
    read_b = form_fields(bruno.get(page), action)
    assert bruno.post(action, {**read_b, f"presence-{paul.pk}": "excuse"}).status_code == 302
    assert saved() == {"Marie Curie": "present", "Paul Langevin": "excuse"}


@pytest.mark.parametrize("form", ["decision", "presences"])
def test_decision_and_presences_without_the_version_are_refused(dossier, make_viewer, form):
    from pvd.gouvernance import services as gouvernance_services

    seance = _past_seance(dossier)
    membre = MembreInstanceFactory(instance=seance.instance)
    point = gouvernance_services.point_add(seance=seance, titre="Budget", by=make_viewer(dossier, Role.CHEF_DE_PROJET))
    if form == "decision":
        action = _d("gouvernance:decision", dossier, pk=seance.pk, point_pk=point.pk)
        data = {"resultat": "valide"}
    else:
        action = _d("gouvernance:presences", dossier, pk=seance.pk)
        data = {f"presence-{membre.pk}": "present"}
    client, _ = _two_clients(dossier, make_viewer)
    response = client.post(action, data, follow=True)
    assert INCOMPLETE_MESSAGE in _messages_text(response)
    assert not point.decisions.exists() and not seance.presences.exists()


def test_a_grid_save_refuses_a_correction_form_read_before(dossier, make_viewer):
    """A value corrected in the saisie grid (or an import) while its correction form is open:
    the form's save is refused rather than putting back the value it read."""
    from pvd.dossiers.perms import Access
    from pvd.suivi.services_mesures import Saisie, mesures_save

    mesure = MesureFactory(indicateur=IndicateurFactory(dossier=dossier), valeur=Decimal(5))
    page = _d("suivi:valeur_update", dossier, pk=mesure.indicateur_id, mesure_pk=mesure.pk)
    client, _ = _two_clients(dossier, make_viewer)
    read = form_fields(client.get(page))
    mesures_save(
        dossier=dossier,
        saisies=[Saisie(key=1, indicateur=mesure.indicateur, date=mesure.date, valeur=Decimal(8))],
        access=Access("chef_de_projet"),
        by=None,
    )
    mesure.refresh_from_db()
    assert mesure.version == 2
    response = client.post(page, {**read, "commentaire": "Vu par B"})
    assert STALE in main(response).get_text(" ")
    mesure.refresh_from_db()
    assert (mesure.valeur, mesure.commentaire) == (Decimal(8), "")
