import pytest
from django.core.exceptions import ValidationError

from pvd.actions.models import FicheAction
from pvd.conventions.models import Convention, Signataire
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance import services
from pvd.gouvernance.models import Decision, InstanceType, PresenceStatut
from pvd.gouvernance.selectors import composition_check, validation_state, validation_states
from pvd.strategie.models import AxeStrategique
from pvd.territoires.models import OrganisationType
from pvd.territoires.tests.factories import OrganisationFactory

from .factories import InstanceFactory, MembreInstanceFactory, SeanceFactory

pytestmark = pytest.mark.django_db


def test_composition_check_lists_missing_then_nothing(user, dossier, comite):
    commune = dossier.communes.get()
    missing = composition_check(comite)
    assert len(missing) == 4
    assert any(commune.nom in m for m in missing)
    assert any(dossier.epci.nom in m for m in missing)
    mairie = OrganisationFactory(nom="Mairie", kind=OrganisationType.COMMUNE, commune=commune)
    epci = OrganisationFactory(nom="EPCI", kind=OrganisationType.EPCI, epci=dossier.epci)
    MembreInstanceFactory(instance=comite, organisation=mairie, role="president")
    # An élu of the EPCI counts; a partenaire of the EPCI would not.
    MembreInstanceFactory(instance=comite, organisation=epci, role="partenaire")
    assert any(dossier.epci.nom in m for m in composition_check(comite))
    MembreInstanceFactory(instance=comite, organisation=epci, role="elu")
    MembreInstanceFactory(instance=comite, role="chef_de_projet")
    assert composition_check(comite) == ["Le préfet ou le délégué territorial de l'ANCT"]
    MembreInstanceFactory(instance=comite, role="prefet")
    assert composition_check(comite) == []
    # The signatories of the convention d'adhésion are then required as well.
    bdt = OrganisationFactory(nom="Banque des Territoires", kind=OrganisationType.BANQUE_TERRITOIRES)
    convention = Convention.objects.create(dossier=dossier, kind="adhesion")
    Signataire.objects.create(convention=convention, organisation=bdt, representant="X", qualite="Directeur")
    Signataire.objects.create(convention=convention, organisation=mairie, representant="Maire", qualite="Maire")
    assert composition_check(comite) == [
        "Un représentant de Banque des Territoires, signataire de la convention d'adhésion"
    ]
    MembreInstanceFactory(instance=comite, organisation=bdt, role="financeur")
    assert composition_check(comite) == []


def test_the_required_signatories_of_the_adhesion_are_the_executives_and_the_prefet(user, dossier, comite):
    """The commune, the EPCI and the préfecture sign every convention (added at creation): the
    comité has them through the executives and the préfet; a partner who signs is asked for."""
    from pvd.conventions import services as conventions
    from pvd.territoires.services import commune_organisation, epci_organisation

    MembreInstanceFactory(instance=comite, organisation=commune_organisation(dossier.communes.get()), role="president")
    MembreInstanceFactory(instance=comite, organisation=epci_organisation(dossier.epci), role="elu")
    MembreInstanceFactory(instance=comite, role="chef_de_projet")
    MembreInstanceFactory(instance=comite, role="prefet")
    adhesion = conventions.convention_create(dossier=dossier, kind="adhesion")
    assert composition_check(comite) == []
    bdt = OrganisationFactory(nom="Banque des Territoires", kind=OrganisationType.BANQUE_TERRITOIRES)
    conventions.signataire_create(convention=adhesion, organisation=bdt, representant="X", qualite="Directeur")
    assert composition_check(comite) == [
        "Un représentant de Banque des Territoires, signataire de la convention d'adhésion"
    ]


def test_member_of_another_commune_does_not_count(user, dossier, comite):
    other = DossierFactory()
    mairie = OrganisationFactory(kind=OrganisationType.COMMUNE, commune=other.communes.get())
    MembreInstanceFactory(instance=comite, organisation=mairie, role="president")
    assert any(dossier.communes.get().nom in m for m in composition_check(comite))


def test_one_comite_de_projet_per_dossier(user, dossier, comite, django_user_model):
    with pytest.raises(ValidationError):
        services.instance_create(dossier=dossier, kind=InstanceType.COMITE_PROJET, nom="Bis", by=user)
    services.instance_create(
        dossier=dossier, kind=InstanceType.COMITE_TECHNIQUE, nom="Habitat", theme="Habitat", by=user
    )


def test_existing_body_needs_a_name_and_a_comite(user, dossier, comite):
    with pytest.raises(ValidationError):
        services.instance_update(instance=comite, nom="Comité", instance_existante=True, by=user)
    services.instance_update(
        instance=comite, nom="Comité", instance_existante=True, nom_instance_existante="Copil ORT", by=user
    )
    comite.refresh_from_db()
    assert comite.nom_instance_existante == "Copil ORT"
    equipe = InstanceFactory(dossier=dossier, equipe=True)
    with pytest.raises(ValidationError):
        services.instance_update(
            instance=equipe, nom="Eq", instance_existante=True, nom_instance_existante="X", by=user
        )


def test_decisions_change_validation_state(user, dossier, seance):
    axe = AxeStrategique.objects.create(dossier=dossier, numero=1, titre="Habiter le centre")
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    assert validation_state(fiche).code == "non_soumis"
    pending = services.object_submit(dossier=dossier, target=fiche, titre="Fiche 1", by=user)
    assert validation_state(fiche).code == "soumis"
    services.point_add(seance=seance, pending=pending, by=user)
    point_axe = services.point_add(seance=seance, titre="Axe 1", target=axe, by=user)
    services.decision_record(point=pending, resultat="ajourne", texte="À préciser", by=user)
    decision = services.decision_record(point=point_axe, resultat="valide", by=user)
    state = validation_state(axe)
    assert state.code == "valide" and state.seance == seance and state.date == seance.date
    assert validation_state(fiche).code == "ajourne"
    # Resubmitted after "ajourné": pending again, then validated at another séance.
    again = services.object_submit(dossier=dossier, target=fiche, titre="Fiche 1 (v2)", by=user)
    assert validation_state(fiche).code == "soumis"
    seance2 = SeanceFactory(instance=seance.instance, passee=True)
    services.point_add(seance=seance2, pending=again, by=user)
    services.decision_record(point=again, resultat="valide", by=user)
    states = validation_states([fiche])
    assert states[fiche.pk].code == "valide" and states[fiche.pk].seance == seance2
    with pytest.raises(ValidationError):
        services.object_submit(dossier=dossier, target=axe, titre="Encore", by=user)
    assert decision.point.target == axe


def test_target_of_another_dossier_refused(user, dossier, seance):
    other_fiche = FicheAction.objects.create(dossier=DossierFactory(), numero=1, titre="Ailleurs")
    with pytest.raises(ValidationError):
        services.point_add(seance=seance, titre="Intrus", target=other_fiche, by=user)
    with pytest.raises(ValidationError):
        services.object_submit(dossier=dossier, target=other_fiche, titre="Intrus", by=user)


def test_immutability_after_approval_and_correction(user, dossier, seance):
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    point = services.point_add(seance=seance, titre="Fiche 1", target=fiche, by=user)
    decision = services.decision_record(point=point, resultat="valide", by=user)
    services.decision_update(decision=decision, resultat="rejete", texte="Coût", by=user)
    assert validation_state(fiche).code == "rejete"
    with pytest.raises(ValidationError):
        services.seance_approve_minutes(seance=seance, by=user)  # no minutes yet
    services.seance_set_minutes(seance=seance, compte_rendu="Le comité a délibéré.", by=user)
    with pytest.raises(ValidationError):
        services.decision_correct(decision=decision, resultat="valide", texte="x", by=user)  # not approved yet
    services.seance_approve_minutes(seance=seance, by=user)
    with pytest.raises(ValidationError):
        services.decision_update(decision=decision, resultat="valide", texte="", by=user)
    with pytest.raises(ValidationError):
        services.seance_set_minutes(seance=seance, compte_rendu="Réécrit", by=user)
    with pytest.raises(ValidationError):
        services.point_add(seance=seance, titre="Tardif", by=user)
    other = services.point_add(seance=SeanceFactory(instance=seance.instance, passee=True), titre="Autre", by=user)
    assert other.seance != seance
    with pytest.raises(ValidationError):
        services.decision_correct(decision=decision, resultat="valide", texte="", by=user)  # a reason is required
    correction = services.decision_correct(decision=decision, resultat="valide", texte="Erreur matérielle", by=user)
    assert correction.corrige == decision
    decision.refresh_from_db()
    assert decision.resultat == "rejete"  # the original stays as it was
    assert validation_state(fiche).code == "valide"
    assert validation_state(fiche).decision == correction
    with pytest.raises(ValidationError):
        services.decision_correct(decision=decision, resultat="ajourne", texte="Encore", by=user)
    assert Decision.objects.filter(point=point).count() == 2


def test_attendance_refuses_member_of_another_instance(user, dossier, seance):
    membre = MembreInstanceFactory(instance=seance.instance)
    services.presences_record(seance=seance, statuts={membre: PresenceStatut.PRESENT}, by=user)
    assert seance.presences.get().statut == "present"
    stranger = MembreInstanceFactory()  # another dossier's comité
    with pytest.raises(ValidationError):
        services.presences_record(seance=seance, statuts={stranger: PresenceStatut.PRESENT}, by=user)
    with pytest.raises(ValidationError):
        services.presences_record(seance=seance, statuts={membre: "endormi"}, by=user)


def test_membre_user_must_belong_to_dossier(user, dossier, comite):
    outsider = MembreFactory().user
    with pytest.raises(ValidationError):
        services.membre_instance_add(instance=comite, nom="X", role="invite", user=outsider, by=user)
    insider = MembreFactory(dossier=dossier).user
    membre = services.membre_instance_add(instance=comite, nom="Y", role="invite", user=insider, by=user)
    assert membre.email == insider.email


def test_agenda_order(user, dossier, seance):
    a = services.point_add(seance=seance, titre="A", by=user)
    b = services.point_add(seance=seance, titre="B", by=user)
    services.point_move(point=b, direction=-1, by=user)
    assert [p.titre for p in seance.points.order_by("ordre")] == ["B", "A"]
    assert a.ordre == 1


def test_only_comite_decides_on_objects(user, dossier):
    equipe = InstanceFactory(dossier=dossier, equipe=True)
    seance = SeanceFactory(instance=equipe)
    fiche = FicheAction.objects.create(dossier=dossier, numero=1, titre="Halle")
    with pytest.raises(ValidationError):
        services.point_add(seance=seance, titre="Fiche", target=fiche, by=user)


def test_step_states(user, dossier):
    from pvd.gouvernance.steps import gouvernance

    assert gouvernance(dossier)[0] == "a_venir"
    InstanceFactory(dossier=dossier)
    etat, detail, _action = gouvernance(dossier)
    assert etat == "en_cours" and "incomplet" in detail
    assert "(s)" not in detail and "membres requis manquants" in detail  # several required members missing
