"""The diagnostic's AFOM and références pages: axe-core for a chef and a lecteur (desktop and
phone), and the order of the AFOM changed with the keyboard alone, JavaScript disabled."""

import datetime
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic import services
from pvd.diagnostic.models import AfomItem, Donnee
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory

from .helpers import MOBILE, assert_accessible, force_login, kb_press, screenshot


def _diagnostic(dossier, chef):
    vacance = Donnee.objects.create(
        dossier=dossier,
        theme="habitat",
        indicateur="taux_vacance",
        libelle="Taux de logements vacants",
        echelle="commune",
        territoire="Langres",
        valeur=Decimal("14.2"),
        unite="%",
        source="INSEE, recensement de la population 2021",
        millesime="2021",
    )
    for texte in ("Vacance élevée dans le centre ancien", "Logements mal isolés", "Copropriétés fragiles"):
        services.afom_item_create(
            dossier=dossier, theme="habitat", categorie="faiblesse", texte=texte, donnees=[vacance], by=chef
        )
    services.afom_item_create(dossier=dossier, theme="commerce", categorie="atout", texte="Marché actif", by=chef)
    services.plan_create(
        dossier=dossier,
        kind="scot",
        nom="SCoT du Pays de Langres",
        statut="approuve",
        date_prescription=datetime.date(2013, 6, 20),
        date_approbation=datetime.date(2017, 12, 14),
        lien="https://example.org/scot",
        file=SimpleUploadedFile("scot.pdf", b"%PDF-1.4 SCoT"),
        by=chef,
    )
    services.etude_create(
        dossier=dossier,
        objet="Étude de revitalisation commerciale",
        statut="terminee",
        cout=Decimal("35000"),
        livrable_file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"),
        by=chef,
    )
    services.initiative_create(
        dossier=dossier, nom="Tiers-lieu de la gare", porteur="Association", porteur_kind="associatif", by=chef
    )


def test_pages_are_accessible_for_a_chef_and_a_lecteur(page, live_server, chef, chef_dossier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _diagnostic(chef_dossier, chef)
    lecteur = MembreFactory(dossier=chef_dossier, role=Role.LECTEUR, user=UserFactory()).user
    urls = {
        name: reverse(f"diagnostic:{name}", kwargs={"dossier_pk": chef_dossier.pk})
        for name in ("afom", "references", "index")
    }
    for who, user in (("chef", chef), ("lecteur", lecteur)):
        page.context.clear_cookies()
        force_login(page, live_server, user)
        for name, url in urls.items():
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(url)
            screenshot(page, f"diagnostic-{name}-{who}")
            assert_accessible(page)
            page.set_viewport_size(MOBILE)
            assert_accessible(page)
        page.goto(urls["afom"])
        figure = page.locator(".pvd-afom-figures").first
        expect(figure).to_contain_text("Taux de logements vacants (Langres) : 14,2\u00a0% — INSEE")
        expect(page.get_by_role("button", name="Monter : Logements mal isolés")).to_have_count(
            1 if who == "chef" else 0
        )


def test_reorder_with_the_keyboard_without_javascript(nojs_page, live_server, chef, chef_dossier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _diagnostic(chef_dossier, chef)
    page = nojs_page
    force_login(page, live_server, chef)
    page.goto(reverse("diagnostic:afom", kwargs={"dossier_pk": chef_dossier.pk}))
    kb_press(page, page.get_by_role("button", name="Monter : Copropriétés fragiles"))
    moved = AfomItem.objects.get(texte="Copropriétés fragiles")
    expect(page).to_have_url(re.compile(f"#afom-item-{moved.pk}$"))  # back on the item moved
    faiblesses = page.locator("#afom-habitat [data-categorie=faiblesse] .pvd-afom-item")
    expect(faiblesses).to_have_text(
        ["Vacance élevée dans le centre ancien", "Copropriétés fragiles", "Logements mal isolés"]
    )
    kb_press(page, page.get_by_role("button", name="Descendre : Vacance élevée dans le centre ancien"))
    expect(faiblesses).to_have_text(
        ["Copropriétés fragiles", "Vacance élevée dans le centre ancien", "Logements mal isolés"]
    )
    assert list(AfomItem.objects.filter(categorie="faiblesse").order_by("ordre").values_list("ordre", flat=True)) == [
        1,
        2,
        3,
    ]
