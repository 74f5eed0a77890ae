import datetime

import pytest

from pvd.conventions import services
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import SignataireFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory


def sign_all(convention, signed_on: datetime.date, *, but=()) -> None:
    """Record the signature of every signatory of `convention` (the communes, the EPCI and the
    préfet added at creation included), on `signed_on`, except the signatories in `but`."""
    for signataire in convention.signataires.exclude(pk__in=[s.pk for s in but]).order_by("ordre", "pk"):
        services.signature_record(signataire=signataire, signe_le=signed_on)


def prefet(convention):
    """The préfet's signatory, added when the convention was created."""
    return convention.signataires.get(requis=True, organisation__kind="etat")


def mairie(convention):
    """The signatory of the (only) commune of the dossier, added when the convention was created."""
    return convention.signataires.get(requis=True, organisation__kind="commune")


def president(convention):
    """The EPCI's signatory, added when the convention was created."""
    return convention.signataires.get(requis=True, organisation__kind="epci")


@pytest.fixture
def sign_convention():
    """sign_convention(dossier, type, date, signatories=2) → a convention signed through the services."""

    def make(dossier, type_, signed_on: datetime.date, *, signatories=2, amende=None):
        convention = services.convention_create(dossier=dossier, kind=type_, amende=amende)
        for _ in range(signatories):
            SignataireFactory(convention=convention)
        sign_all(convention, signed_on)
        convention.refresh_from_db()
        return convention

    return make


@pytest.fixture
def adhesion(dossier, sign_convention):
    return sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))


@pytest.fixture
def chef(dossier):
    return MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user


@pytest.fixture
def equipe(dossier):
    return MembreFactory(dossier=dossier, role=Role.EQUIPE).user
