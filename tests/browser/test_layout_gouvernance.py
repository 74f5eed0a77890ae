"""At 1280 px the key columns of the governance tables show without scrolling them sideways, and a
participation reply is drawn under the contribution it answers."""

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from pvd.conventions import services as convention_services
from pvd.conventions.models import ConventionType
from pvd.gouvernance.tests.factories import InstanceFactory, MembreInstanceFactory
from pvd.participation import services as participation_services
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory
from pvd.territoires.tests.factories import OrganisationFactory

from .helpers import DESKTOP, force_login

LONG_COMMITMENT = (
    "Désigner un chef de projet, élaborer le projet de territoire dans les dix-huit mois, "
    "mobiliser les services de la commune et rendre compte au comité de projet de l'avancement."
)


def _assert_last_header_visible(page, table_selector):
    table = page.locator(table_selector)
    last = table.locator("thead th").last
    expect(last).to_be_visible()
    box = last.bounding_box()
    wrapper = table.locator(".fr-table__wrapper").bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"], f"{last.inner_text()} : {box}"
    # The DSFR table scrolls inside its wrapper: a column past its right edge is hidden.
    assert box["x"] + box["width"] <= wrapper["x"] + wrapper["width"] + 1, f"{last.inner_text()} : {box} / {wrapper}"


def test_convention_signatories_show_signature_and_actions_at_1280(page, live_server, chef, chef_dossier):
    convention = convention_services.convention_create(dossier=chef_dossier, kind=ConventionType.ADHESION)
    # The commune, the EPCI and the préfet, added with the convention: their deliberations and
    # commitments completed, then signed.
    for signataire in convention.signataires.order_by("ordre"):
        signataire = convention_services.signataire_update(
            signataire=signataire,
            organisation=signataire.organisation,
            representant=signataire.representant,
            qualite=signataire.qualite,
            date_deliberation=datetime.date(2021, 5, 27),
            engagements=LONG_COMMITMENT,
            ordre=signataire.ordre,
        )
        convention_services.signature_record(signataire=signataire, signe_le=datetime.date(2021, 6, 18))
    force_login(page, live_server, chef)
    page.goto(reverse("conventions:detail", kwargs={"dossier_pk": chef_dossier.pk, "pk": convention.pk}))
    expect(page.locator("#signataires-table thead th").last).to_have_text("Actions")
    _assert_last_header_visible(page, "#signataires-table")
    expect(page.locator("#signataires-table .pvd-signe-le").first).to_be_in_viewport()


def test_convention_list_fits_at_1280(page, live_server, chef, chef_dossier):
    adhesion = convention_services.convention_create(
        dossier=chef_dossier, kind=ConventionType.ADHESION, titre="Convention d'adhésion au programme " * 3
    )
    for signataire in adhesion.signataires.all():  # the commune, the EPCI and the préfet
        convention_services.signature_record(signataire=signataire, signe_le=datetime.date(2021, 6, 18))
    convention_services.convention_create(
        dossier=chef_dossier, kind=ConventionType.AVENANT, amende=adhesion, titre="Avenant de prolongation " * 4
    )
    force_login(page, live_server, chef)
    page.goto(reverse("conventions:index", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("#conventions-table thead th").last).to_have_text("Signatures")
    _assert_last_header_visible(page, "#conventions-table")
    expect(page.locator("#echeance-cadre a")).to_have_count(0)


def test_comite_members_show_role_and_actions_at_1280(page, live_server, chef, chef_dossier):
    comite = InstanceFactory(dossier=chef_dossier, nom="Comité de projet Petites villes de demain")
    departement = OrganisationFactory(nom="Département de la Haute-Marne")
    for n in range(3):
        MembreInstanceFactory(
            instance=comite,
            nom=f"Représentant de la Région Grand Est {n}",
            fonction="Sous-préfet, délégué territorial adjoint de l'ANCT",
            organisation=departement,
        )
    force_login(page, live_server, chef)
    page.goto(reverse("gouvernance:instance", kwargs={"dossier_pk": chef_dossier.pk, "pk": comite.pk}))
    expect(page.locator("#membres thead th").last).to_have_text("Actions")
    _assert_last_header_visible(page, "#membres")
    # A row is no longer stretched by an open date form.
    row = page.locator("#membres tbody tr").first.bounding_box()
    assert row["height"] < 120, row


def test_reply_is_drawn_under_its_contribution(page, live_server, chef, chef_dossier):
    PageParticipationFactory(dossier=chef_dossier)
    contribution = ContributionFactory(dossier=chef_dossier, publiee=True, texte="Des bancs sur la place.")
    participation_services.contribution_answer(contribution=contribution, reponse="Merci, c'est prévu.", by=chef)
    kw = {"dossier_pk": chef_dossier.pk}
    force_login(page, live_server, chef)
    for url in (
        reverse("participation:contribution", kwargs=kw | {"pk": contribution.pk}),
        reverse("participation:moderation", kwargs=kw),
    ):
        page.goto(url)
        card = page.locator(f"#contribution-{contribution.pk}")
        texte = card.locator(".texte").bounding_box()
        reponse = card.locator(".reponse").bounding_box()
        assert texte["y"] + texte["height"] <= reponse["y"], (url, texte, reponse)
        # Subordinate: indented and no larger than the contribution.
        assert reponse["x"] > texte["x"]
        size = card.locator(".reponse p").last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size <= card.locator(".texte").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
