"""The data migration that gives each existing organisation its dossier (territoires 0004)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("territoires", "0003_french_verbose_names")]
AFTER = [("territoires", "0004_organisation_dossier")]


@pytest.fixture
def migrate(transactional_db):
    """migrate(targets) → the historical apps at that state."""
    executor = MigrationExecutor(connection)

    def run(targets):
        executor.loader.build_graph()
        return executor.migrate(targets).apps

    yield run
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_organisations_move_to_their_dossier_and_nothing_is_lost(migrate):
    apps = migrate(BEFORE)
    Region = apps.get_model("territoires", "Region")
    Departement = apps.get_model("territoires", "Departement")
    Epci = apps.get_model("territoires", "Epci")
    Commune = apps.get_model("territoires", "Commune")
    Organisation = apps.get_model("territoires", "Organisation")
    Dossier = apps.get_model("dossiers", "Dossier")
    Fiche = apps.get_model("actions", "FicheAction")
    Ligne = apps.get_model("actions", "LigneFinancement")
    Axe = apps.get_model("strategie", "AxeStrategique")
    Convention = apps.get_model("conventions", "Convention")
    Signataire = apps.get_model("conventions", "Signataire")
    Instance = apps.get_model("gouvernance", "Instance")
    Membre = apps.get_model("gouvernance", "MembreInstance")

    departement = Departement.objects.create(code="52", nom="Haute-Marne", region=Region.objects.create(code="44"))
    epci = Epci.objects.create(siren="200000001", nom="CC Test")
    commune = Commune.objects.create(code="52001", nom="Langres", departement=departement, epci=epci)
    a = Dossier.objects.create(nom="A", epci=epci)
    b = Dossier.objects.create(nom="B", epci=epci)
    org = Organisation.objects.create
    only_a = org(nom="Association de A", type="association")
    shared_local = org(nom="CAUE", type="association", siren="123456789")
    bdt = org(nom="Banque des Territoires", type="bdt")
    bdt_in_a = org(nom="Anah", type="anah")
    mairie = org(nom="Commune de Langres", type="commune", commune=commune)
    unused = org(nom="Jamais utilisée", type="autre")
    clash = org(nom="association de a", type="autre")  # used by A too: renamed, not merged

    fiche_a = Fiche.objects.create(dossier=a, numero=1, titre="Fa", maitre_ouvrage=only_a)
    fiche_b = Fiche.objects.create(dossier=b, numero=1, titre="Fb", maitre_ouvrage=mairie)
    fiche_a.partenaires.add(shared_local, clash)
    Ligne.objects.create(fiche=fiche_a, financeur=bdt, dispositif="detr", montant=1, statut="accorde")
    Ligne.objects.create(fiche=fiche_b, financeur=bdt, dispositif="detr", montant=1, statut="accorde")
    Ligne.objects.create(fiche=fiche_a, financeur=bdt_in_a, dispositif="detr", montant=1, statut="accorde")
    axe_b = Axe.objects.create(dossier=b, numero=1, titre="Axe", ordre=1)
    axe_b.partenaires.add(shared_local)
    convention_b = Convention.objects.create(dossier=b, kind="adhesion")
    Signataire.objects.create(
        convention=convention_b, organisation=shared_local, representant="X", qualite="Y", ordre=1
    )
    instance_a = Instance.objects.create(dossier=a, kind="comite_projet", nom="Comité")
    Membre.objects.create(instance=instance_a, nom="M", role="partenaire", organisation=shared_local)
    before = Organisation.objects.count()

    apps = migrate(AFTER)
    Organisation = apps.get_model("territoires", "Organisation")
    Fiche = apps.get_model("actions", "FicheAction")
    Axe = apps.get_model("strategie", "AxeStrategique")
    Signataire = apps.get_model("conventions", "Signataire")
    Membre = apps.get_model("gouvernance", "MembreInstance")
    Ligne = apps.get_model("actions", "LigneFinancement")

    def get(pk):
        return Organisation.objects.get(pk=pk)

    assert get(only_a.pk).dossier_id == a.pk
    assert get(bdt.pk).dossier_id is None  # national type, used by two dossiers
    assert get(bdt_in_a.pk).dossier_id is None  # national type stays national even if used by one
    assert get(mairie.pk).dossier_id is None  # a commune's organisation stays shared
    assert get(unused.pk).dossier_id is None  # unused: kept, in the national list for ANCT to review
    # Used by A (partner, member) and B (axe, signatory): A keeps the row, B gets a copy.
    assert get(shared_local.pk).dossier_id == a.pk
    copy = Organisation.objects.get(dossier_id=b.pk, nom="CAUE")
    assert (copy.type, copy.siren) == ("association", "123456789")
    assert list(Axe.objects.get(pk=axe_b.pk).partenaires.all()) == [copy]
    assert Signataire.objects.get().organisation_id == copy.pk
    assert Membre.objects.get().organisation_id == shared_local.pk
    assert set(Fiche.objects.get(pk=fiche_a.pk).partenaires.values_list("pk", flat=True)) == {
        shared_local.pk,
        clash.pk,
    }
    # Same name whatever the capitals in one dossier: the younger is renamed, nothing is lost.
    assert get(clash.pk).dossier_id == a.pk
    assert get(clash.pk).nom == "association de a (Autre)"
    assert Organisation.objects.count() == before + 1
    assert Ligne.objects.filter(financeur_id=bdt.pk).count() == 2
    assert Fiche.objects.get(pk=fiche_b.pk).maitre_ouvrage_id == mairie.pk
