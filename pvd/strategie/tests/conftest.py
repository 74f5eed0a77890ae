import pytest

from pvd.comptes.tests.factories import UserFactory
from pvd.strategie import services
from pvd.territoires.tests.factories import OrganisationFactory

from .factories import square


@pytest.fixture
def auteur(db):
    return UserFactory(first_name="Claire", last_name="Martin")


@pytest.fixture
def strategie(dossier, auteur):
    """A dossier's strategy with one of everything, made through the services."""
    services.projet_update(dossier=dossier, resume="Une ville-centre attractive.", by=auteur)
    axe = services.axe_create(
        dossier=dossier,
        numero=1,
        titre="Habitat et cadre de vie",
        enjeux="La vacance.",
        partenaires=[OrganisationFactory(nom="Anah")],
        orientations_crte=["habitat"],
        transition_ecologique=True,
        by=auteur,
    )
    sous = services.sous_objectif_create(axe=axe, titre="Lancer une OPAH-RU", by=auteur)
    indicateur = services.axe_indicateur_create(
        axe=axe, by=auteur, nom="Taux de logements vacants", kind="resultat", unite="%"
    )
    secteur = services.secteur_create(
        dossier=dossier,
        nom="Périmètre ORT",
        kind="perimetre_ort",
        commune=dossier.communes.first(),
        geometry=square(size=0.01),
        by=auteur,
    )
    return {"axe": axe, "sous": sous, "indicateur": indicateur, "secteur": secteur}
