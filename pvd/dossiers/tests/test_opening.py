"""Who opens a dossier: the préfecture (its département) and ANCT open it and invite its chef de projet;
anybody else requests it, and the préfecture or ANCT accepts or refuses the request."""

import smtplib

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import ALL_VIEWERS, MEMBER_ROLES
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers import services
from pvd.dossiers.models import DemandeDossier, DemandeStatut, Dossier, Invitation, Membre, Role
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory
from tests.utils import main

pytestmark = pytest.mark.django_db

# Every way of relating to the `dossier` fixture, plus somebody with no role at all.
KINDS = [*ALL_VIEWERS, "sans_role"]
STATE = {"prefecture", "anct"}


@pytest.fixture
def as_(client, make_viewer):
    def login(dossier, kind):
        user = UserFactory() if kind == "sans_role" else make_viewer(dossier, kind)
        if user is not None:
            client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def commune(dossier):
    """A PVD commune without a dossier, in the département of the `dossier` fixture."""
    return CommuneFactory(nom="Bourbonne-les-Bains", departement=dossier.communes.get().departement, pvd=True)


def text(response):
    return main(response).get_text(" ", strip=True)


def open_form(commune, email="chef@exemple.fr", **extra):
    return {"nom": f"PVD {commune.nom}", "communes": commune.code, "chef_email": email, **extra}


# --- Opening by the State ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_prefecture_and_anct_open_a_dossier(as_, dossier, commune, kind):
    client = as_(dossier, kind)
    url = reverse("dossiers:create")
    get = client.get(url)
    response = client.post(url, open_form(commune))
    if kind == "anonymous":
        assert get.status_code == response.status_code == 302
        assert "/comptes/connexion/" in response["Location"]
    elif kind in STATE:
        assert get.status_code == 200 and main(get).h1.get_text(strip=True) == "Ouvrir un dossier"
        opened = commune.dossiers.get()
        assert response.status_code == 302 and response["Location"] == reverse("dossiers:detail", args=[opened.pk])
        # The opener keeps their State role: no membership; the chef de projet is invited.
        assert not opened.membres.exists()
        invitation = Invitation.objects.get(dossier=opened)
        assert (invitation.email, invitation.role, invitation.invited_by) == (
            "chef@exemple.fr",
            Role.CHEF_DE_PROJET,
            client.user,
        )
        assert [m.to for m in mail.outbox] == [["chef@exemple.fr"]]
        assert "Chef de projet" in mail.outbox[0].body and invitation.token in mail.outbox[0].body
        detail = client.get(response["Location"])
        assert detail.status_code == 200 and main(detail).h1.get_text(strip=True) == "PVD Bourbonne-les-Bains"
    elif kind == "prefecture_autre":  # opens for its own département only
        assert get.status_code == response.status_code == 200
        assert "Ces communes ne sont pas dans votre département (2A)" in text(response)
    else:  # members (of this dossier or another one), somebody without a role
        assert get.status_code == response.status_code == 403
    if kind not in STATE:
        assert not commune.dossiers.exists() and not Invitation.objects.exists() and not mail.outbox


def test_a_prefecture_opens_only_for_the_communes_of_its_departement(client, dossier, commune):
    prefecture = UserFactory(prefecture=True, departement=commune.departement)
    ailleurs = CommuneFactory(nom="Dijon", departement=DepartementFactory(code="21", nom="Côte-d'Or"), pvd=True)
    client.force_login(prefecture)
    response = client.post(reverse("dossiers:create"), open_form(ailleurs))
    assert response.status_code == 200
    assert f"Ces communes ne sont pas dans votre département ({commune.departement_id}) : {ailleurs}" in text(response)
    assert not ailleurs.dossiers.exists() and not mail.outbox


@pytest.mark.parametrize("kind", ["prefecture", "anct", "superuser"])
def test_only_anct_opens_a_dossier_for_a_commune_outside_the_programme(client, dossier, kind):
    hors = CommuneFactory(nom="Hors-Programme", departement=dossier.communes.get().departement, pvd=False)
    user = {
        "prefecture": lambda: UserFactory(prefecture=True, departement=hors.departement),
        "anct": lambda: UserFactory(anct=True),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[kind]()
    client.force_login(user)
    response = client.post(reverse("dossiers:create"), open_form(hors))
    if kind == "prefecture":
        assert response.status_code == 200
        assert "ne font pas partie du programme Petites villes de demain : Hors-Programme" in text(response)
        assert not hors.dossiers.exists()
    else:
        assert response.status_code == 302 and hors.dossiers.exists()


def test_opening_refuses_bad_communes_and_a_commune_with_a_dossier(client, dossier):
    client.force_login(UserFactory(anct=True))
    url = reverse("dossiers:create")
    response = client.post(url, open_form(CommuneFactory(), communes="99999"))
    assert "Codes de commune inconnus : 99999" in text(response)
    a, b = CommuneFactory(), CommuneFactory()  # two different EPCI
    response = client.post(url, open_form(a, communes=f"{a.code},{b.code}"))
    assert "n'appartiennent pas à l'EPCI" in text(response)
    taken = dossier.communes.get()
    response = client.post(url, open_form(taken))
    assert "ont déjà un dossier en cours" in text(response) and f"dossier « {dossier.nom} »" in text(response)
    response = client.post(url, open_form(a, email="pas-une-adresse"))
    assert "Saisissez une adresse de courriel valide" in text(response)
    assert Dossier.objects.count() == 1 and not Invitation.objects.exists() and not mail.outbox


def test_opening_saves_nothing_when_the_invitation_cannot_be_sent(client, commune, monkeypatch):
    def broken(**kwargs):
        raise smtplib.SMTPServerDisconnected("déconnecté")

    monkeypatch.setattr(services, "send_mail", broken)
    client.force_login(UserFactory(anct=True))
    response = client.post(reverse("dossiers:create"), open_form(commune))
    assert response.status_code == 200 and "Rien n'a été enregistré" in text(response)
    assert not commune.dossiers.exists() and not Invitation.objects.exists()


def test_the_invited_chef_joins_the_dossier_the_state_opened(client, commune):
    anct = UserFactory(anct=True)
    dossier = services.dossier_open(
        nom="PVD Bourbonne",
        communes=[commune],
        epci=commune.epci,
        chef_email="chef@exemple.fr",
        by=anct,
        base_url="http://testserver/",
    )
    invitation = dossier.invitations.get()
    response = client.post(
        reverse("comptes:invitation", args=[invitation.token]),
        {"first_name": "Claire", "last_name": "Chef", "password": "un mot de passe solide"},
    )
    assert response.status_code == 302
    assert [(m.user.email, m.role) for m in dossier.membres.all()] == [("chef@exemple.fr", Role.CHEF_DE_PROJET)]


def test_the_list_offers_opening_to_the_state_and_a_request_to_the_others(as_, dossier):
    for kind, expected in [("anct", "Ouvrir un dossier"), ("prefecture", "Ouvrir un dossier")] + [
        (kind, "Demander un dossier") for kind in ["sans_role", *MEMBER_ROLES]
    ]:
        client = as_(dossier, kind)
        links = [a.get_text(strip=True) for a in main(client.get(reverse("dossiers:list"))).select("a.fr-btn")]
        assert expected in links and ({"Ouvrir un dossier", "Demander un dossier"} - {expected}).isdisjoint(links)
        client.logout()


# --- Requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_request_per_viewer(as_, dossier, commune, kind):
    prefecture = UserFactory(email="pref52@exemple.fr", prefecture=True, departement=commune.departement)
    client = as_(dossier, kind)
    url = reverse("dossiers:demande_create")
    response = client.post(url, {"commune": commune.code, "message": "Je suis la DGS."})
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    elif kind in STATE | {"prefecture_autre"}:  # the State opens dossiers itself
        assert response.status_code == 302 and response["Location"] == reverse("dossiers:create")
    else:  # nobody else may open it, but anybody (a member elsewhere, even here) may ask
        assert response.status_code == 302 and response["Location"] == reverse("dossiers:demandes")
        demande = DemandeDossier.objects.get()
        assert (demande.commune, demande.demandeur, demande.statut) == (commune, client.user, "en_attente")
        assert demande.message == "Je suis la DGS." and demande.epci == commune.epci
        assert [m.to for m in mail.outbox] == [[prefecture.email]]
        assert str(commune) in mail.outbox[0].body and "/dossiers/demandes/" in mail.outbox[0].body
        assert "Je suis la DGS." in mail.outbox[0].body
        assert not commune.dossiers.exists()  # nothing is opened before the préfecture decides
        return
    assert not DemandeDossier.objects.exists() and not mail.outbox


def test_a_request_goes_to_anct_when_the_departement_has_no_prefecture_account(client, commune):
    anct = UserFactory(anct=True)
    UserFactory(prefecture=True, departement=DepartementFactory(code="2A", nom="Corse-du-Sud"))
    client.force_login(UserFactory())
    client.post(reverse("dossiers:demande_create"), {"commune": commune.code})
    assert [m.to for m in mail.outbox] == [[anct.email]]


@pytest.mark.parametrize(
    "case, error",
    [
        ("dossier", "a déjà un dossier en cours (« Dossier PVD"),
        ("hors_programme", "ne fait pas partie du programme Petites villes de demain"),
        ("deja_demandee", "Vous avez déjà une demande en attente pour Bourbonne-les-Bains"),
        ("inconnue", "Code de commune inconnu : 99999."),
        ("deux", "Indiquez une seule commune"),
    ],
)
def test_a_request_is_refused_with_a_french_message(client, dossier, commune, case, error):
    demandeur = UserFactory()
    client.force_login(demandeur)
    code = {
        "dossier": dossier.communes.get().code,
        "hors_programme": CommuneFactory(pvd=False).code,
        "deja_demandee": commune.code,
        "inconnue": "99999",
        "deux": f"{commune.code},{dossier.communes.get().code}",
    }[case]
    if case == "deja_demandee":
        DemandeDossier.objects.create(commune=commune, demandeur=demandeur)
    response = client.post(reverse("dossiers:demande_create"), {"commune": code})
    assert response.status_code == 200 and error in text(response)
    assert DemandeDossier.objects.count() == (1 if case == "deja_demandee" else 0) and not mail.outbox


def test_a_state_agent_cannot_request_through_the_service(commune):
    with pytest.raises(ValidationError, match="agent de l'État"):
        services.demande_create(commune=commune, by=UserFactory(anct=True), base_url="http://testserver/")


@pytest.fixture
def demande(commune):
    return DemandeDossier.objects.create(commune=commune, demandeur=UserFactory(email="dgs@bourbonne.fr"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_requests_page_per_viewer(as_, dossier, demande, kind):
    DemandeDossier.objects.create(
        commune=CommuneFactory(nom="Dijon", departement=DepartementFactory(code="21", nom="Côte-d'Or"), pvd=True),
        demandeur=UserFactory(),
    )
    client = as_(dossier, kind)
    response = client.get(reverse("dossiers:demandes"))
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
        return
    assert response.status_code == 200
    content = main(response)
    table = content.select_one("table#demandes-a-traiter, #demandes-a-traiter table")
    listed = {row.td.get_text(" ", strip=True).split(" ")[0] for row in table.select("tbody tr")} if table else set()
    assert listed == {"prefecture": {"Bourbonne-les-Bains"}, "anct": {"Bourbonne-les-Bains", "Dijon"}}.get(kind, set())
    assert bool(content.select("form[action$='/accepter/']")) == (kind in STATE)
    if kind not in STATE and kind != "prefecture_autre":
        assert "Vous n'avez envoyé aucune demande." in content.get_text()


def test_the_requester_sees_their_requests(client, demande):
    client.force_login(demande.demandeur)
    content = main(client.get(reverse("dossiers:demandes")))
    assert "Bourbonne-les-Bains" in content.select_one("#mes-demandes").get_text() and not content.select("form")


@pytest.mark.parametrize("kind", KINDS)
def test_accept_per_viewer(as_, dossier, demande, kind):
    client = as_(dossier, kind)
    response = client.post(reverse("dossiers:demande_accept", args=[demande.pk]))
    demande.refresh_from_db()
    if kind in STATE:
        assert response.status_code == 302
        opened = demande.commune.dossiers.get()
        assert (demande.statut, demande.decided_by, demande.dossier) == ("acceptee", client.user, opened)
        assert demande.decided_at is not None
        assert [(m.user, m.role) for m in opened.membres.all()] == [(demande.demandeur, Role.CHEF_DE_PROJET)]
        assert opened.epci == demande.commune.epci and opened.nom == "PVD Bourbonne-les-Bains"
        assert [m.to for m in mail.outbox] == [["dgs@bourbonne.fr"]]
        assert "acceptée" in mail.outbox[0].subject
        assert reverse("dossiers:detail", args=[opened.pk]) in mail.outbox[0].body
        return
    expected = {"anonymous": 302, "prefecture_autre": 404}.get(kind, 403)
    assert response.status_code == expected
    assert demande.statut == "en_attente" and not demande.commune.dossiers.exists() and not mail.outbox


@pytest.mark.parametrize("kind", KINDS)
def test_refuse_per_viewer(as_, dossier, demande, kind):
    client = as_(dossier, kind)
    url = reverse("dossiers:demande_refuse", args=[demande.pk])
    response = client.post(url, {"motif_refus": "La commune a déjà désigné sa cheffe de projet."})
    demande.refresh_from_db()
    if kind in STATE:
        assert response.status_code == 302
        assert (demande.statut, demande.decided_by) == ("refusee", client.user)
        assert [m.to for m in mail.outbox] == [["dgs@bourbonne.fr"]]
        assert "Motif : La commune a déjà désigné sa cheffe de projet." in mail.outbox[0].body
        assert not demande.commune.dossiers.exists()
        return
    assert response.status_code == {"anonymous": 302, "prefecture_autre": 404}.get(kind, 403)
    assert demande.statut == "en_attente" and not mail.outbox


def test_a_refusal_needs_a_reason(client, demande):
    client.force_login(UserFactory(prefecture=True, departement=demande.commune.departement))
    url = reverse("dossiers:demande_refuse", args=[demande.pk])
    page = client.get(url)
    assert "dgs@bourbonne.fr" in text(page)
    response = client.post(url, {"motif_refus": "   "})
    assert response.status_code == 200 and "Ce champ est obligatoire" in text(response)
    demande.refresh_from_db()
    assert demande.statut == "en_attente" and not mail.outbox
    with pytest.raises(ValidationError, match="Indiquez le motif du refus"):
        services.demande_refuse(demande=demande, motif=" ", by=UserFactory(anct=True))


def test_accepting_refuses_the_other_requests_for_the_commune(demande):
    other = DemandeDossier.objects.create(commune=demande.commune, demandeur=UserFactory(email="autre@exemple.fr"))
    elsewhere = DemandeDossier.objects.create(commune=CommuneFactory(pvd=True), demandeur=UserFactory())
    services.demande_accept(demande=demande, by=UserFactory(anct=True), base_url="http://testserver/")
    other.refresh_from_db()
    elsewhere.refresh_from_db()
    assert other.statut == DemandeStatut.REFUSEE and "ouvert à la demande d'une autre personne" in other.motif_refus
    assert elsewhere.statut == DemandeStatut.EN_ATTENTE
    assert sorted(m.to[0] for m in mail.outbox) == ["autre@exemple.fr", "dgs@bourbonne.fr"]


def test_a_request_decided_twice_or_for_a_commune_opened_meanwhile_is_refused(client, demande):
    anct = UserFactory(anct=True)
    services.dossier_open(
        nom="Ouvert entre-temps",
        communes=[demande.commune],
        epci=demande.commune.epci,
        chef_email="chef@exemple.fr",
        by=anct,
        base_url="http://testserver/",
    )
    client.force_login(anct)
    response = client.post(reverse("dossiers:demande_accept", args=[demande.pk]), follow=True)
    alert = BeautifulSoup(response.content, "html.parser").select_one(".fr-alert--error").get_text(" ", strip=True)
    assert "ont déjà un dossier en cours" in alert and "Ouvert entre-temps" in alert
    demande.refresh_from_db()
    assert demande.statut == "en_attente" and not Membre.objects.filter(user=demande.demandeur).exists()
    services.demande_refuse(demande=demande, motif="Dossier déjà ouvert.", by=anct)
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.demande_accept(demande=demande, by=anct, base_url="http://testserver/")


def test_a_failed_mail_leaves_the_request_undecided(demande, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise smtplib.SMTPServerDisconnected("déconnecté")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(ValidationError, match="Rien n'a été enregistré"):
        services.demande_accept(demande=demande, by=UserFactory(anct=True), base_url="http://testserver/")
    demande.refresh_from_db()
    assert demande.statut == "en_attente" and not demande.commune.dossiers.exists()


def test_the_request_form_has_a_single_commune_picker(client, db):
    client.force_login(UserFactory())
    content = main(client.get(reverse("dossiers:demande_create")))
    assert content.h1.get_text(strip=True) == "Demander un dossier"
    pickers = content.select("[data-picker]")
    assert [(p["data-picker-target"], p["data-picker-multiple"]) for p in pickers] == [("id_commune", "false")]
