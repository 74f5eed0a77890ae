import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.conventions import services
from pvd.conventions.models import (
    Convention,
    ConventionDocument,
    ConventionDocumentKind,
    ConventionEtat,
    ConventionType,
    Signataire,
)
from pvd.conventions.tests.conftest import mairie, prefet, president
from pvd.conventions.tests.factories import SignataireFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.territoires.names import de_commune
from pvd.territoires.tests.factories import CommuneFactory, OrganisationFactory
from tests.utils import edit_fields, expected_status, main

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}
CHEF = {"chef_de_projet"}
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def check_refusal(response, kind):
    if kind == "anonymous":
        assert "/comptes/connexion/" in response["Location"]


@pytest.fixture
def cadre(dossier, adhesion):
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE, titre="Convention-cadre de test")
    SignataireFactory(convention=cadre, organisation=OrganisationFactory(nom="Banque des Territoires"))
    return cadre


@pytest.fixture
def cadre_en_signature(cadre):
    """The cadre once it has gone out for signature: its signed scan may then be uploaded."""
    return services.convention_update(
        convention=cadre, titre=cadre.titre, objet="", duree_annees=None, etat=ConventionEtat.EN_SIGNATURE
    )


def urls(dossier, convention):
    signataire = convention.signataires.first()
    document = services.document_add(
        convention=convention, kind=ConventionDocumentKind.PROJET_PDF, filename="p.pdf", content=b"%PDF-1.4", by=None
    )
    base = {"dossier_pk": dossier.pk}
    conv = {**base, "pk": convention.pk}
    return {
        "index": (reverse("conventions:index", kwargs=base), CAN_VIEW),
        "create": (reverse("conventions:create", kwargs=base), CAN_EDIT),
        "detail": (reverse("conventions:detail", kwargs=conv), CAN_VIEW),
        "update": (reverse("conventions:update", kwargs=conv), CAN_EDIT),
        "signataire_create": (reverse("conventions:signataire_create", kwargs=conv), CAN_EDIT),
        "signataire_update": (
            reverse("conventions:signataire_update", kwargs={**conv, "signataire_pk": signataire.pk}),
            CAN_EDIT,
        ),
        "signed_upload": (reverse("conventions:signed_upload", kwargs=conv), CHEF),
        "document": (reverse("conventions:document", kwargs={**conv, "document_pk": document.pk}), CAN_VIEW),
    }


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_get_pages_per_viewer(client_for, dossier, cadre, kind):
    client = client_for(dossier, kind)
    for page, (url, allowed) in urls(dossier, cadre).items():
        response = client.get(url)
        assert response.status_code == expected_status(kind, allowed), page
        check_refusal(response, kind)
        if response.status_code == 200 and page == "document":
            assert b"".join(response.streaming_content) == b"%PDF-1.4"
            response.close()
        elif response.status_code == 200:
            assert len(main(response).find_all("h1")) == 1, page


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_detail_shows_signatories_and_actions_by_role(client_for, dossier, cadre_en_signature, kind):
    cadre = cadre_en_signature
    client = client_for(dossier, kind)
    response = client.get(reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk}))
    assert response.status_code == expected_status(kind, CAN_VIEW)
    check_refusal(response, kind)
    if kind not in CAN_VIEW:
        assert b"Banque des Territoires" not in response.content
        return
    content = main(response)
    assert content.h1.get_text(strip=True) == "Convention-cadre valant ORT"
    assert "Banque des Territoires" in content.select_one("#signataires-table").get_text()
    assert bool(content.select("#generer")) == (kind in CHEF)
    assert bool(content.select("#depot-signe")) == (kind in CHEF)
    assert bool(content.select("form[action$='/signature/']")) == (kind in CHEF)
    assert bool(content.select("#resilier")) == (kind in CHEF)
    assert bool(content.find("a", string="Ajouter un signataire")) == (kind in CAN_EDIT)


def test_detail_hides_the_scan_upload_on_a_draft_and_signing_on_a_resiliee(client_for, dossier, cadre, chef):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    content = main(client.get(url))
    assert not content.select("#depot-signe")  # a projet has no signed version yet
    assert content.select("form[action$='/signature/']") and content.select("#generer")
    services.convention_resilier(convention=cadre, by=chef)
    content = main(client.get(url))
    assert content.select_one("#etat").get_text(strip=True) == "Résiliée"
    assert not content.select("form[action$='/signature/']")
    assert not content.select("#depot-signe") and not content.select("#generer") and not content.select("#resilier")


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_generate_only_by_chef_de_projet(client_for, dossier, cadre, kind):
    client = client_for(dossier, kind)
    url = reverse("conventions:generate", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "fmt": "docx"})
    response = client.post(url)
    created = ConventionDocument.objects.filter(convention=cadre, kind=ConventionDocumentKind.PROJET_DOCX)
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    check_refusal(response, kind)
    assert created.count() == (1 if kind in CHEF else 0)
    if kind in CHEF:
        client.post(url)  # same data: no new version
        assert created.count() == 1
        FicheAction.objects.create(dossier=dossier, numero=1, titre="Halles", cout_ht=Decimal(10))
        client.post(url)
        assert list(created.order_by("version").values_list("version", flat=True)) == [1, 2]
        download = client.get(
            reverse(
                "conventions:document",
                kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "document_pk": created.last().pk},
            )
        )
        assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
        download.close()


def test_generate_unknown_format_or_avenant_is_404(client_for, dossier, adhesion):
    client = client_for(dossier, "chef_de_projet")
    avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    base = {"dossier_pk": dossier.pk}
    assert (
        client.post(reverse("conventions:generate", kwargs={**base, "pk": adhesion.pk, "fmt": "odt"})).status_code
        == 404
    )
    assert (
        client.post(reverse("conventions:generate", kwargs={**base, "pk": avenant.pk, "fmt": "pdf"})).status_code == 404
    )


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_upload_signed_only_by_chef_de_projet(client_for, dossier, cadre_en_signature, kind):
    cadre = cadre_en_signature
    client = client_for(dossier, kind)
    url = reverse("conventions:signed_upload", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    response = client.post(
        url, {"file": SimpleUploadedFile("signee.pdf", b"%PDF-1.7 scan", content_type="application/pdf")}
    )
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    check_refusal(response, kind)
    assert ConventionDocument.objects.filter(kind=ConventionDocumentKind.SIGNE_PDF).count() == (
        1 if kind in CHEF else 0
    )


def test_upload_refuses_a_non_pdf(client_for, dossier, cadre_en_signature):
    cadre = cadre_en_signature
    client = client_for(dossier, "chef_de_projet")
    url = reverse("conventions:signed_upload", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    response = client.post(url, {"file": SimpleUploadedFile("signee.pdf", b"<html>", content_type="application/pdf")})
    assert response.status_code == 200
    assert "n'est pas un PDF" in main(response).get_text()
    assert not ConventionDocument.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_record_signature_only_by_chef_and_moves_phase(client_for, dossier, cadre, kind):
    """The préfet's signature completes the cadre once the commune and the EPCI have signed: the
    Banque des Territoires, a partner, is optional."""
    client = client_for(dossier, kind)
    signataire = prefet(cadre)
    for required in (mairie(cadre), president(cadre)):
        services.signature_record(signataire=required, signe_le=D(2023, 4, 28))
    url = reverse(
        "conventions:signature", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "signataire_pk": signataire.pk}
    )
    detail = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    response = client.post(url, {"signe_le": "2023-05-02", **edit_fields(client, detail, url)})
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    check_refusal(response, kind)
    cadre.refresh_from_db()
    if kind in CHEF:
        assert cadre.etat == ConventionEtat.SIGNEE and cadre.date_signature == D(2023, 5, 2)
        home = main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
        assert home.select_one("#phase").get_text(strip=True) == "Convention-cadre signée (ORT)"
        assert home.select_one("#echeance-cadre")["data-etat"] == "respectee"
    else:
        signataire.refresh_from_db()
        assert cadre.etat == ConventionEtat.EN_SIGNATURE and signataire.signe_le is None


def test_signature_before_adhesion_refused_through_the_view(client_for, dossier, cadre):
    client = client_for(dossier, "chef_de_projet")
    signataire = prefet(cadre)
    url = reverse(
        "conventions:signature", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "signataire_pk": signataire.pk}
    )
    detail = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    response = client.post(url, {"signe_le": "2022-01-01", **edit_fields(client, detail, url)}, follow=True)
    assert "avant la convention d'adhésion" in BeautifulSoup(response.content, "html.parser").get_text()
    signataire.refresh_from_db()
    assert signataire.signe_le is None


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_create_convention_and_avenants_numbered(client_for, dossier, adhesion, kind):
    client = client_for(dossier, kind)
    url = reverse("conventions:create", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"kind": "avenant", "amende": adhesion.pk, "titre": "Périmètre"})
    assert response.status_code == expected_status(kind, CAN_EDIT, ok=302)
    check_refusal(response, kind)
    avenants = Convention.objects.filter(kind=ConventionType.AVENANT)
    if kind in CAN_EDIT:
        client.post(url, {"kind": "avenant", "amende": adhesion.pk})
        assert sorted(avenants.values_list("numero_avenant", flat=True)) == [1, 2]
        response = client.post(url, {"kind": "adhesion"})
        assert response.status_code == 200 and "déjà" in main(response).get_text()
    else:
        assert not avenants.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_signataire_crud(client_for, dossier, kind):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    organisation = OrganisationFactory(nom="Commune de Langres")
    client = client_for(dossier, kind)
    base = {"dossier_pk": dossier.pk, "pk": convention.pk}
    data = {
        "organisation": organisation.pk,
        "representant": "Anne Rousseau",
        "qualite": "Maire",
        "engagements": "Recruter",
    }
    response = client.post(reverse("conventions:signataire_create", kwargs=base), data)
    assert response.status_code == expected_status(kind, CAN_EDIT, ok=302)
    if kind not in CAN_EDIT:
        assert not Signataire.objects.filter(organisation=organisation).exists()
        signataire = SignataireFactory(convention=convention)
        response = client.post(
            reverse("conventions:signataire_delete", kwargs={**base, "signataire_pk": signataire.pk})
        )
        assert response.status_code == expected_status(kind, CAN_EDIT) and Signataire.objects.exists()
        return
    signataire = Signataire.objects.get(organisation=organisation)
    # After the commune, the EPCI and the préfet, added with the convention.
    assert (signataire.representant, signataire.engagements, signataire.ordre) == ("Anne Rousseau", "Recruter", 4)
    update = reverse("conventions:signataire_update", kwargs={**base, "signataire_pk": signataire.pk})
    response = client.post(
        update,
        {**data, "qualite": "Maire de Langres", "date_deliberation": "2021-05-27", **edit_fields(client, update)},
    )
    assert response.status_code == 302
    signataire.refresh_from_db()
    assert signataire.qualite == "Maire de Langres" and signataire.date_deliberation == D(2021, 5, 27)
    client.post(reverse("conventions:signataire_delete", kwargs={**base, "signataire_pk": signataire.pk}))
    assert list(Signataire.objects.order_by("ordre").values_list("organisation__nom", flat=True)) == [
        f"Commune {de_commune(dossier.communes.get().nom)}",
        dossier.epci.nom,
        "Préfecture de la Haute-Marne",
    ]


def test_sub_objects_of_another_dossier_are_404(client_for, dossier):
    other = services.convention_create(dossier=DossierFactory(), kind=ConventionType.ADHESION)
    client = client_for(dossier, "chef_de_projet")
    assert (
        client.get(reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": other.pk})).status_code == 404
    )


def test_update_convention(client_for, dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    client = client_for(dossier, "equipe")
    url = reverse("conventions:update", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk})
    data = {"titre": "Adhésion", "objet": "", "duree_annees": "6", "etat": "en_signature"}
    response = client.post(url, {**data, **edit_fields(client, url)})
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.titre, convention.duree_annees, convention.etat) == ("Adhésion", 6, "en_signature")
    data = {"titre": "", "objet": "", "duree_annees": "", "etat": "signee"}
    response = client.post(url, {**data, **edit_fields(client, url)})
    assert response.status_code == 200  # not a choice: signée comes from the signatures


def test_index_lists_conventions_in_constant_queries(client_for, dossier, django_assert_num_queries, sign_convention):
    client = client_for(dossier, "partenaire")
    url = reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})
    adhesion = sign_convention(dossier, ConventionType.ADHESION, D(2022, 8, 31), signatories=1)
    client.get(url)  # warm up sessions and content types
    # 8: the dossier's communes are read once, for the required parties still to add.
    with django_assert_num_queries(8) as small:
        client.get(url)
    services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    for _ in range(3):
        avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
        SignataireFactory.create_batch(2, convention=avenant)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    rows = main(response).select("#conventions-table tbody tr")
    assert len(rows) == 5
    assert rows[0].get_text(" ", strip=True).startswith("Convention d'adhésion")
    assert "Avenant n° 3" in rows[-1].get_text()


@pytest.mark.parametrize(
    "adhesion_date, etat, alert_class",
    [(D(2020, 1, 15), "depassee", "fr-alert--error"), (None, None, None)],
)
def test_dossier_home_shows_the_deadline(client_for, dossier, sign_convention, adhesion_date, etat, alert_class):
    if adhesion_date:
        sign_convention(dossier, ConventionType.ADHESION, adhesion_date)
    home = main(client_for(dossier, "lecteur").get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    alert = home.select_one("#echeance-cadre")
    if etat is None:
        assert alert is None
        return
    assert alert["data-etat"] == etat and alert_class in alert["class"]
    assert "15 juillet 2021" in alert.get_text()
    assert home.select_one("#phase").get_text(strip=True) == "Élaboration du projet de territoire"
    dates = home.select_one("#dates-cles").get_text(" ", strip=True)
    assert "Échéance de la convention-cadre (18 mois) 15 juillet 2021" in dates


def test_dossier_list_filters_on_the_deadline(client, sign_convention, django_assert_num_queries):
    from django.utils import timezone

    from pvd.comptes.tests.factories import UserFactory
    from pvd.dossiers import deadline

    today = timezone.localdate()
    overdue, soon, respected, none = (DossierFactory(nom=n) for n in ("Dépassée", "Bientôt", "Respectée", "Sans"))
    sign_convention(overdue, ConventionType.ADHESION, deadline.add_months(today, -19))
    sign_convention(soon, ConventionType.ADHESION, deadline.add_months(today, -17))
    sign_convention(respected, ConventionType.ADHESION, deadline.add_months(today, -12))
    sign_convention(respected, ConventionType.CADRE, deadline.add_months(today, -1))
    client.force_login(UserFactory(anct=True))
    url = reverse("dossiers:list")

    def names(query):
        content = main(client.get(url, {"echeance": query}))
        return [a.get_text() for a in content.select("#dossiers-table tbody a")]

    assert names("depassee") == ["Dépassée"]
    assert names("bientot") == ["Bientôt"]
    assert names("respectee") == ["Respectée"]
    assert names("") == ["Bientôt", "Dépassée", "Respectée", "Sans"]
    assert names("nimporte") == []  # an unknown value is an error, not the whole list
    # A dossier without adhésion is in no deadline state.
    assert none.nom not in names("depassee") + names("bientot") + names("respectee")


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_detail_shows_the_validation_state_and_the_submit_button_by_role(client_for, dossier, cadre, kind):
    from pvd.gouvernance import services as gouvernance
    from pvd.gouvernance.tests.factories import SeanceFactory

    client = client_for(dossier, kind)
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    response = client.get(url)
    assert response.status_code == expected_status(kind, CAN_VIEW)
    if kind not in CAN_VIEW:
        return
    block = main(response).select_one("#validation")
    assert block.select_one("[data-etat]")["data-etat"] == "non_soumis"
    assert bool(block.find("button", string="Soumettre au comité de projet")) == (kind in CAN_EDIT)

    chef = make_chef(dossier)
    point = services.convention_submit(convention=cadre, by=chef)
    block = main(client.get(url)).select_one("#validation")
    assert block.select_one("[data-etat]")["data-etat"] == "soumis"
    assert not block.find("button")

    seance = SeanceFactory(instance__dossier=dossier, passee=True)
    gouvernance.point_add(seance=seance, pending=point, by=chef)
    gouvernance.decision_record(point=point, resultat="valide", by=chef)
    block = main(client.get(url)).select_one("#validation")
    assert block.select_one("[data-etat]")["data-etat"] == "valide"
    # The page shows the date in Paris time: near midnight UTC it is already the next day there.
    assert f"séance du {timezone.localtime(seance.date).day}" in block.get_text(" ", strip=True)
    assert block.select_one("a")["href"] == reverse(
        "gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk}
    )
    assert not block.find("button")


def make_chef(dossier):
    from pvd.dossiers.models import Role
    from pvd.dossiers.tests.factories import MembreFactory

    return MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_submit_to_the_comite_by_role(client_for, dossier, cadre, kind):
    from pvd.gouvernance.selectors import validation_state

    client = client_for(dossier, kind)
    response = client.post(reverse("conventions:submit", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk}))
    assert response.status_code == expected_status(kind, CAN_EDIT, ok=302)
    check_refusal(response, kind)
    assert validation_state(cadre).code == ("soumis" if kind in CAN_EDIT else "non_soumis")
    if kind in CAN_EDIT:
        # A second submission is refused with a message, not a second point.
        response = client.post(
            reverse("conventions:submit", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk}), follow=True
        )
        assert "déjà soumis" in [str(m) for m in response.context["messages"]][-1]
        from pvd.gouvernance.models import PointOrdreDuJour

        assert PointOrdreDuJour.objects.filter(target_id=cadre.pk).count() == 1


def test_submit_a_convention_of_another_dossier_is_404(client_for, dossier, cadre):
    other = DossierFactory()
    other_convention = services.convention_create(dossier=other, kind=ConventionType.ADHESION)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(reverse("conventions:submit", kwargs={"dossier_pk": dossier.pk, "pk": other_convention.pk}))
    assert response.status_code == 404


@pytest.fixture
def today_is(monkeypatch):
    """today_is(date): the deadline is computed for that day (selectors read today through
    `timezone.localdate()`, replaced here for the selectors module only)."""
    from types import SimpleNamespace

    from pvd.conventions import selectors

    def set_today(day):
        monkeypatch.setattr(selectors, "timezone", SimpleNamespace(localdate=lambda: day))

    return set_today


@pytest.mark.parametrize(
    "today, etat, alert_class, text",
    [
        (D(2025, 5, 28), "dans_les_temps", "fr-alert--info", "au plus tard le 29 août 2025"),
        (D(2025, 5, 29), "bientot", "fr-alert--warning", "plus que 92 jours"),
        (D(2025, 8, 28), "bientot", "fr-alert--warning", "plus que 1 jour."),
        (D(2025, 8, 29), "bientot", "fr-alert--warning", "c'est le dernier jour"),
        (D(2025, 8, 30), "depassee", "fr-alert--error", "l'échéance est dépassée"),
    ],
)
def test_dossier_home_banner_around_the_boundaries(
    client_for, dossier, sign_convention, today_is, today, etat, alert_class, text
):
    sign_convention(dossier, ConventionType.ADHESION, D(2024, 2, 29))
    today_is(today)
    home = main(client_for(dossier, "partenaire").get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    alert = home.select_one("#echeance-cadre")
    assert alert["data-etat"] == etat and alert_class in alert["class"]
    assert text in alert.get_text(" ", strip=True)


def test_dossier_home_shows_a_cadre_signed_after_the_deadline(client_for, dossier, sign_convention, today_is):
    sign_convention(dossier, ConventionType.ADHESION, D(2024, 2, 29))
    sign_convention(dossier, ConventionType.CADRE, D(2025, 8, 30))
    today_is(D(2025, 10, 1))
    home = main(client_for(dossier, "lecteur").get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    alert = home.select_one("#echeance-cadre")
    assert alert["data-etat"] == "hors_delai" and "fr-alert--warning" in alert["class"]
    assert alert.h2.get_text(strip=True) == "Convention-cadre : signée après l'échéance"
    assert "Signée le 30 août 2025 (échéance du 29 août 2025)" in alert.get_text(" ", strip=True)
    assert home.select_one("#phase").get_text(strip=True) == "Convention-cadre signée (ORT)"


GENERATED = [
    ("adhesion", "docx", b"PK"),
    ("adhesion", "pdf", b"%PDF-"),
    ("cadre", "docx", b"PK"),
    ("cadre", "pdf", b"%PDF-"),
]


@pytest.mark.parametrize("type_, fmt, magic", GENERATED)
@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_each_document_generated_by_the_chef_only_and_read_by_every_reader(
    client_for, dossier, cadre, kind, type_, fmt, magic
):
    from pvd.conventions import documents

    convention = Convention.objects.get(dossier=dossier, kind=type_)
    client = client_for(dossier, kind)
    base = {"dossier_pk": dossier.pk, "pk": convention.pk}
    response = client.post(reverse("conventions:generate", kwargs={**base, "fmt": fmt}))
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    check_refusal(response, kind)
    generated = ConventionDocument.objects.filter(convention=convention, kind=FORMATS_KIND[fmt])
    assert generated.count() == (1 if kind in CHEF else 0)
    if kind not in CHEF:
        filename, data = documents.generate(type_, dossier, fmt)
        services.generated_document_add(
            convention=convention, kind=FORMATS_KIND[fmt], filename=filename, content=data, by=None
        )
    response = client.get(reverse("conventions:document", kwargs={**base, "document_pk": generated.get().pk}))
    assert response.status_code == expected_status(kind, CAN_VIEW)
    check_refusal(response, kind)
    if response.status_code == 200:
        assert b"".join(response.streaming_content).startswith(magic)
        response.close()


FORMATS_KIND = {"docx": ConventionDocumentKind.PROJET_DOCX, "pdf": ConventionDocumentKind.PROJET_PDF}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_resiliation_only_by_the_chef_after_confirmation(client_for, dossier, adhesion, kind):
    client = client_for(dossier, kind)
    url = reverse("conventions:resilier", kwargs={"dossier_pk": dossier.pk, "pk": adhesion.pk})
    response = client.get(url)
    assert response.status_code == expected_status(kind, CHEF)
    check_refusal(response, kind)
    response = client.post(url, {})
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE
    if kind not in CHEF:
        assert response.status_code == expected_status(kind, CHEF)
        response = client.post(url, {"confirmation": "on"})
        assert response.status_code == expected_status(kind, CHEF)
        adhesion.refresh_from_db()
        assert adhesion.etat == ConventionEtat.SIGNEE
        return
    assert response.status_code == 200 and "Ce champ est obligatoire" in main(response).get_text()
    response = client.post(url, {"confirmation": "on"})
    assert response.status_code == 302
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.RESILIEE
    # A new adhésion can now replace it.
    response = client.post(reverse("conventions:create", kwargs={"dossier_pk": dossier.pk}), {"kind": "adhesion"})
    assert response.status_code == 302
    assert Convention.objects.filter(dossier=dossier, kind=ConventionType.ADHESION).count() == 2


def test_the_update_form_cannot_resiliate_and_leaves_the_diagnostic_to_its_app(client_for, dossier, cadre, adhesion):
    client = client_for(dossier, "equipe")
    url = reverse("conventions:update", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk})
    form = main(client.get(url))
    assert [o["value"] for o in form.select("select[name=etat] option")] == ["projet", "en_signature"]
    data = {"titre": "", "objet": "", "duree_annees": "", "etat": "resiliee", **edit_fields(client, url)}
    response = client.post(url, data)
    assert response.status_code == 200
    cadre.refresh_from_db()
    assert cadre.etat == ConventionEtat.PROJET
    # The article « Diagnostic » is built from the diagnostic (pvd.diagnostic): no field here.
    assert not form.select("[name=synthese_diagnostic]")
    data = {"titre": "", "objet": "", "duree_annees": "", "etat": "projet", "synthese_diagnostic": "Centre vacant."}
    assert client.post(url, {**data, **edit_fields(client, url)}).status_code == 302
    cadre.refresh_from_db()
    assert cadre.synthese_diagnostic == ""
    # A signed convention keeps its state.
    form = main(client.get(reverse("conventions:update", kwargs={"dossier_pk": dossier.pk, "pk": adhesion.pk})))
    assert [o["value"] for o in form.select("select[name=etat] option")] == ["signee"]


def test_creation_messages_agree_with_the_type(client_for, dossier, adhesion):
    client = client_for(dossier, "equipe")
    url = reverse("conventions:create", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"kind": "cadre"}, follow=True)
    assert "Convention-cadre valant ORT créée." in [str(m) for m in response.context["messages"]]
    response = client.post(url, {"kind": "avenant", "amende": adhesion.pk}, follow=True)
    assert "Avenant n° 1 à la convention d'adhésion créé." in [str(m) for m in response.context["messages"]]
    avenant = Convention.objects.get(kind=ConventionType.AVENANT)
    form = main(client.get(url))
    choices = [o["value"] for o in form.select("select[name=amende] option") if o["value"]]
    assert str(avenant.pk) not in choices and str(adhesion.pk) in choices


def test_a_required_signatory_cannot_be_removed_and_the_page_says_who_is_to_sign(client_for, dossier, cadre, adhesion):
    signed = mairie(cadre)
    services.signature_record(signataire=signed, signe_le=D(2023, 5, 2))
    unsigned = prefet(cadre)
    # A commune joins the dossier after the cadre was made: a required party still to add.
    commune = dossier.communes.get()
    dossier.communes.add(CommuneFactory(nom="Arc-en-Barrois", epci=dossier.epci, departement=commune.departement))
    client = client_for(dossier, "chef_de_projet")
    url = reverse(
        "conventions:signataire_delete",
        kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "signataire_pk": unsigned.pk},
    )
    response = client.post(url, follow=True)
    assert "signe obligatoirement" in [str(m) for m in response.context["messages"]][-1]
    cadre.refresh_from_db()
    # The commune, the EPCI, the préfet and the Banque des Territoires.
    assert cadre.etat == ConventionEtat.EN_SIGNATURE and cadre.signataires.count() == 4
    text = main(response).select_one("#reste-a-signer").get_text(" ", strip=True)
    assert f"Reste à signer : {dossier.epci.nom}, Préfecture de la Haute-Marne." in text
    assert "Signataires requis à ajouter : Commune d'Arc-en-Barrois." in text
    partner = cadre.signataires.get(organisation__nom="Banque des Territoires")
    # A signatory who signed offers no "Retirer" button.
    rows = main(response).select("#signataires-table tbody tr[data-signataire]")
    buttons = {row["data-signataire"]: [b.get_text(" ", strip=True) for b in row.select("button")] for row in rows}
    assert not any("Retirer" in b for b in buttons[str(signed.pk)])
    assert not any("Retirer" in b for b in buttons[str(unsigned.pk)])  # required
    assert any("Retirer" in b for b in buttons[str(partner.pk)])
    index = main(client.get(reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})))
    row = index.select_one('tr[data-type="cadre"]').get_text(" ", strip=True)
    assert f"reste à signer : {dossier.epci.nom}, Préfecture de la Haute-Marne" in row
    assert "signataires requis à ajouter : Commune d'Arc-en-Barrois" in row


def test_the_chef_completes_the_representative_of_a_required_signatory(client_for, dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signataire = mairie(convention)
    client = client_for(dossier, "chef_de_projet")
    detail = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk})
    row = main(client.get(detail)).select_one(f'tr[data-signataire="{signataire.pk}"]')
    commune = dossier.communes.get().nom
    # The function, with the name to complete (not « Le maire de …, Maire »).
    assert row.select_one(".pvd-representant").get_text(" ", strip=True) == (
        f"Le maire {de_commune(commune)} (nom à compléter)"
    )
    assert not any("Retirer" in b.get_text() for b in row.select("button"))
    base = {"dossier_pk": dossier.pk, "pk": convention.pk, "signataire_pk": signataire.pk}
    form = main(client.get(reverse("conventions:signataire_update", kwargs=base)))
    assert form.select_one("[name=representant]")["value"] == f"Le maire {de_commune(commune)}"
    update = reverse("conventions:signataire_update", kwargs=base)
    data = {"organisation": signataire.organisation.pk, "representant": "Anne Rousseau", "qualite": "Maire"}
    response = client.post(update, {**data, **edit_fields(client, update)})
    assert response.status_code == 302
    row = main(client.get(detail)).select_one(f'tr[data-signataire="{signataire.pk}"]')
    assert row.select_one(".pvd-representant").get_text(" ", strip=True) == "Anne Rousseau, Maire"
    # Once signed, the name no longer changes: the préfet signed as « Le préfet de … », the function.
    services.signature_record(signataire=prefet(convention), signe_le=D(2022, 9, 2))
    row = main(client.get(detail)).select_one(f'tr[data-signataire="{prefet(convention).pk}"]')
    assert row.select_one(".pvd-representant").get_text(" ", strip=True) == "Le préfet de la Haute-Marne"
    # The required signatory stays, whatever the chef posts.
    response = client.post(reverse("conventions:signataire_delete", kwargs=base), follow=True)
    assert "signe obligatoirement" in [str(m) for m in response.context["messages"]][-1]
    assert convention.signataires.filter(pk=signataire.pk).exists()
