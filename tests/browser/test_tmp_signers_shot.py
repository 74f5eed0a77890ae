import pytest
from django.urls import reverse

from pvd.conventions import services
from pvd.conventions.models import ConventionType
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.territoires.tests.factories import OrganisationFactory
from tests.browser.helpers import force_login


@pytest.mark.parametrize("width", [1280, 375])
def test_shot(page, live_server, transactional_db, width):
    dossier = DossierFactory()
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    convention = services.convention_create(dossier=dossier, type=ConventionType.CADRE)
    s = convention.signataires.get(organisation__type="epci")
    services.signataire_update(signataire=s, organisation=s.organisation, representant="Luc Morel", qualite="Président", date_deliberation=None, engagements="Porter l'ORT.", ordre=s.ordre)
    services.signataire_create(convention=convention, organisation=OrganisationFactory(nom="Banque des Territoires"), representant="Paul Lefèvre", qualite="Directeur régional")
    force_login(page, live_server, chef)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk}))
    page.screenshot(path=f"/tmp/signers-detail-{width}.png", full_page=True)
    page.goto(live_server.url + reverse("conventions:index", kwargs={"dossier_pk": dossier.pk}))
    page.screenshot(path=f"/tmp/signers-index-{width}.png", full_page=True)
