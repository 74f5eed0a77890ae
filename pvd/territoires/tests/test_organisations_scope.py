"""Organisations belong to their dossier: what each picker offers, what it refuses, who may
add a national body (issue 10, point 4)."""

import functools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pvd.actions.forms import FicheForm, LigneFinancementForm
from pvd.actions.models import LigneFinancement
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.conventions.forms import SignataireForm
from pvd.conventions.models import Signataire
from pvd.conventions.tests.factories import ConventionFactory
from pvd.dossiers import services as dossier_services
from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance.forms import MembreInstanceForm
from pvd.gouvernance.models import InstanceType, MembreInstance
from pvd.gouvernance.tests.factories import InstanceFactory
from pvd.strategie.forms import AxeForm
from pvd.territoires import services
from pvd.territoires.models import Organisation, OrganisationType
from pvd.territoires.names import de_departement
from pvd.territoires.selectors import organisations_for
from tests.utils import edit_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dossiers():
    a, b = DossierFactory(nom="Dossier A"), DossierFactory(nom="Dossier B")
    own_a = Organisation.objects.create(nom="Association de A", kind=OrganisationType.ASSOCIATION, dossier=a)
    own_b = Organisation.objects.create(nom="Association de B", kind=OrganisationType.ASSOCIATION, dossier=b)
    national = Organisation.objects.create(nom="Banque des Territoires", kind=OrganisationType.BANQUE_TERRITOIRES)
    return a, b, own_a, own_b, national


def _pickers(dossier):
    """Every form that picks an organisation, with its organisation field(s)."""
    return {
        "membre": MembreInstanceForm(dossier=dossier, instance_type=InstanceType.COMITE_PROJET).fields["organisation"],
        "signataire": SignataireForm(dossier=dossier).fields["organisation"],
        "financeur": LigneFinancementForm(dossier=dossier).fields["financeur"],
        "partenaire": FicheForm(dossier=dossier).fields["partenaires"],
        "maitre_ouvrage": FicheForm(dossier=dossier).fields["maitre_ouvrage"],
        "axe_partenaire": AxeForm(dossier=dossier).fields["partenaires"],
    }


def test_each_picker_offers_its_dossier_national_and_territory_but_not_another_dossier(two_dossiers):
    a, b, own_a, own_b, national = two_dossiers
    commune_b = b.communes.get()
    for name, field in _pickers(b).items():
        offered = set(field.queryset)
        assert own_b in offered, name
        assert national in offered, name
        assert own_a not in offered, name
        noms = {o.nom for o in offered}
        assert f"Commune de {commune_b.nom}" in noms, name
        assert b.epci.nom in noms, name
        assert f"Préfecture {de_departement(commune_b.departement)}" in noms, name
        assert f"Commune de {a.communes.get().nom}" not in noms, name
        assert a.epci.nom not in noms, name


def test_prefecture_is_one_shared_state_organisation(dossier):
    departement = dossier.communes.get().departement
    prefecture = services.prefecture_organisation(departement)
    assert (prefecture.nom, prefecture.kind) == ("Préfecture de la Haute-Marne", OrganisationType.ETAT)
    assert prefecture.dossier_id is None and prefecture.departement_id == departement.pk
    assert services.prefecture_organisation(departement) == prefecture
    assert list(organisations_for(dossier)).count(prefecture) == 1
    assert Organisation.objects.filter(kind=OrganisationType.ETAT).count() == 1


def test_homonym_communes_get_their_own_organisation():
    from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory

    first = CommuneFactory(nom="Saint-Martin")
    other = CommuneFactory(nom="Saint-Martin", departement=DepartementFactory(code="2A", nom="Corse-du-Sud"))
    one, two = services.commune_organisation(first), services.commune_organisation(other)
    assert one != two
    assert (one.commune, two.commune) == (first, other)
    assert two.nom == "Commune de Saint-Martin (2A)"


def test_forms_refuse_another_dossiers_organisation(two_dossiers):
    a, b, own_a, _own_b, _national = two_dossiers
    forms = [
        MembreInstanceForm(
            {"nom": "X", "role": "partenaire", "organisation": own_a.pk},
            dossier=b,
            instance_type=InstanceType.COMITE_PROJET,
        ),
        SignataireForm({"organisation": own_a.pk, "representant": "X", "qualite": "Maire"}, dossier=b),
        LigneFinancementForm(
            {"financeur": own_a.pk, "dispositif": "detr", "montant": "10", "statut": "accorde"}, dossier=b
        ),
        FicheForm({"titre": "Fiche", "statut": "idee", "maitre_ouvrage": own_a.pk}, dossier=b),
        FicheForm({"titre": "Fiche", "statut": "idee", "partenaires": [own_a.pk]}, dossier=b),
        AxeForm({"numero": 1, "titre": "Axe", "echelle": "commune", "partenaires": [own_a.pk]}, dossier=b),
    ]
    for form in forms:
        assert not form.is_valid()
        assert any(key in form.errors for key in ("organisation", "financeur", "maitre_ouvrage", "partenaires"))


def test_services_refuse_another_dossiers_organisation(two_dossiers):
    from pvd.actions import services as actions
    from pvd.conventions import services as conventions
    from pvd.gouvernance import services as gouvernance
    from pvd.strategie import services as strategie

    a, b, own_a, _own_b, _national = two_dossiers
    chef = UserFactory()
    fiche = FicheFactory(dossier=b)
    calls = [
        lambda: gouvernance.membre_instance_add(
            instance=InstanceFactory(dossier=b), nom="X", role="partenaire", organisation=own_a, by=chef
        ),
        lambda: conventions.signataire_create(
            convention=ConventionFactory(dossier=b), organisation=own_a, representant="X", qualite="Maire"
        ),
        lambda: actions.ligne_financement_create(
            fiche=fiche, by=chef, financeur=own_a, dispositif="detr", montant=Decimal(10), statut="accorde"
        ),
        lambda: actions.fiche_create(dossier=b, by=chef, titre="F", maitre_ouvrage=own_a),
        lambda: actions.fiche_update(fiche=fiche, by=chef, partenaires=[own_a]),
        lambda: strategie.axe_create(dossier=b, numero=9, titre="Axe", by=chef, partenaires=[own_a]),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="pas proposée dans ce dossier"):
            call()


def _login_chef(client, dossier):
    from pvd.dossiers.models import Role
    from pvd.dossiers.tests.factories import MembreFactory

    user = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    client.force_login(user)
    return user


def test_forged_post_of_another_dossiers_organisation_is_refused(client, two_dossiers):
    a, b, own_a, _own_b, _national = two_dossiers
    _login_chef(client, b)
    convention = ConventionFactory(dossier=b)
    url = reverse("conventions:signataire_create", kwargs={"dossier_pk": b.pk, "pk": convention.pk})
    response = client.post(url, {"organisation": own_a.pk, "representant": "X", "qualite": "Maire"})
    assert response.status_code == 200 and not Signataire.objects.exists()
    assert "Sélectionnez un choix valide" in response.content.decode()
    instance = InstanceFactory(dossier=b)
    url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": b.pk, "pk": instance.pk})
    data = {"membre-nom": "X", "membre-role": "partenaire", "membre-organisation": own_a.pk}
    response = client.post(url, data)
    assert not MembreInstance.objects.exists()
    assert "Sélectionnez un choix valide" in response.content.decode()
    fiche = FicheFactory(dossier=b)
    url = reverse("actions:ligne_add", kwargs={"dossier_pk": b.pk, "fiche_pk": fiche.pk})
    data = {"financeur": own_a.pk, "dispositif": "detr", "montant": "10", "statut": "accorde"}
    assert client.post(url, data).status_code == 400
    assert not LigneFinancement.objects.exists()


def test_signatory_added_on_the_spot_belongs_to_the_dossier(client, two_dossiers):
    a, b, _own_a, _own_b, _national = two_dossiers
    _login_chef(client, b)
    convention = ConventionFactory(dossier=b)
    url = reverse("conventions:signataire_create", kwargs={"dossier_pk": b.pk, "pk": convention.pk})
    data = {
        "nouvelle_organisation": "Syndicat des eaux",
        "type_nouvelle_organisation": OrganisationType.AUTRE,
        "representant": "Mme Durand",
        "qualite": "Présidente",
    }
    assert client.post(url, data).status_code == 302
    created = Organisation.objects.get(nom="Syndicat des eaux")
    assert created.dossier == b
    assert Signataire.objects.get().organisation == created
    assert created not in organisations_for(a)


def test_typing_a_national_name_reuses_it_and_a_refused_form_leaves_nothing(client, two_dossiers):
    a, b, _own_a, _own_b, national = two_dossiers
    _login_chef(client, b)
    convention = ConventionFactory(dossier=b)
    url = reverse("conventions:signataire_create", kwargs={"dossier_pk": b.pk, "pk": convention.pk})
    data = {"nouvelle_organisation": "banque des territoires", "representant": "M. X", "qualite": "Directeur"}
    assert client.post(url, data).status_code == 302
    assert Signataire.objects.get().organisation == national
    # The same organisation twice: the service refuses, and the typed newcomer is not kept.
    other = {"nouvelle_organisation": "Nouvel organisme", "representant": "", "qualite": ""}
    client.post(url, other)
    assert not Organisation.objects.filter(nom="Nouvel organisme").exists()


def test_member_added_on_the_spot(client, two_dossiers):
    _a, b, _own_a, _own_b, _national = two_dossiers
    _login_chef(client, b)
    instance = InstanceFactory(dossier=b)
    url = reverse("gouvernance:membre_add", kwargs={"dossier_pk": b.pk, "pk": instance.pk})
    data = {
        "membre-nom": "Mme Leroy",
        "membre-role": "partenaire",
        "membre-nouvelle_organisation": "Office de tourisme",
        "membre-type_nouvelle_organisation": OrganisationType.ASSOCIATION,
    }
    client.post(url, data)
    membre = MembreInstance.objects.get()
    assert (membre.organisation.nom, membre.organisation.dossier) == ("Office de tourisme", b)


def test_typed_funder_and_partner_belong_to_the_dossier(two_dossiers):
    from pvd.actions import services as actions

    a, b, *_ = two_dossiers
    chef = UserFactory()
    fiche = actions.fiche_create(dossier=b, by=chef, titre="F", nouveaux_partenaires=["Club local"])
    actions.ligne_financement_create(
        fiche=fiche,
        by=chef,
        nouveau_financeur="Fondation du patrimoine",
        type_financeur=OrganisationType.BANQUE_TERRITOIRES,
        dispositif="detr",
        montant=Decimal(10),
        statut="accorde",
    )
    for nom in ("Club local", "Fondation du patrimoine"):
        organisation = Organisation.objects.get(nom=nom)
        assert organisation.dossier == b
        assert organisation not in organisations_for(a)


def test_a_chef_cannot_create_a_national_organisation_anct_can(client, dossier):
    chef = _login_chef(client, dossier)
    url = reverse("territoires:organisations")
    assert client.get(url).status_code == 403
    assert client.post(url, {"nom": "Faux national", "kind": OrganisationType.ANAH}).status_code == 403
    with pytest.raises(ValidationError):
        dossier_services.organisation_national_create(nom="Faux national", kind=OrganisationType.ANAH, by=chef)
    assert not Organisation.objects.filter(nom="Faux national").exists()

    anct = UserFactory(anct=True)
    client.force_login(anct)
    response = client.post(url, {"nom": "Cerema", "kind": OrganisationType.CEREMA, "siren": ""})
    assert response.status_code == 302
    cerema = Organisation.objects.get(nom="Cerema")
    assert cerema.dossier_id is None
    assert cerema in organisations_for(dossier) and cerema in organisations_for(DossierFactory())
    page = client.get(url).content.decode()
    assert "Cerema" in page
    edit = reverse("territoires:organisation_update", kwargs={"pk": cerema.pk})
    data = {"nom": "Cerema Est", "kind": OrganisationType.CEREMA, **edit_fields(client, edit)}
    assert client.post(edit, data).status_code == 302
    cerema.refresh_from_db()
    assert cerema.nom == "Cerema Est"


def test_national_list_page_refusals(client, dossier, make_viewer):
    url = reverse("territoires:organisations")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for kind in ("chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture"):
        client.force_login(make_viewer(dossier, kind))
        assert client.get(url).status_code == 403, kind
    own = Organisation.objects.create(nom="Locale", kind=OrganisationType.AUTRE, dossier=dossier)
    client.force_login(UserFactory(anct=True))
    # A dossier's organisation is not ANCT's to edit from the national list.
    assert client.get(reverse("territoires:organisation_update", kwargs={"pk": own.pk})).status_code == 404


def test_national_names_are_unique_whatever_the_capitals(two_dossiers):
    a, *_ = two_dossiers
    with pytest.raises(ValidationError):
        dossier_services.organisation_national_create(
            nom="BANQUE DES TERRITOIRES", kind=OrganisationType.AUTRE, by=UserFactory(anct=True)
        )
    with pytest.raises(ValidationError):
        Organisation(nom="association de a", kind=OrganisationType.AUTRE, dossier=a).full_clean()
    # The same name in another dossier is that dossier's business.
    Organisation(nom="Association de A", kind=OrganisationType.AUTRE, dossier=DossierFactory()).full_clean()


FORMS = {
    "membre": functools.partial(MembreInstanceForm, instance_type=InstanceType.COMITE_PROJET),
    "signataire": SignataireForm,
    "financeur": LigneFinancementForm,
    "fiche": FicheForm,
    "axe": AxeForm,
}


@pytest.mark.parametrize("picker", FORMS)
def test_picker_query_count_does_not_grow_with_organisations(picker, dossier):
    def count():
        with CaptureQueriesContext(connection) as queries:
            html = str(FORMS[picker](dossier=dossier))
        return len(queries), html

    count()  # the territory's organisations are created on first use
    small, _ = count()
    for n in range(30):
        Organisation.objects.create(nom=f"Organisme {n}", kind=OrganisationType.AUTRE, dossier=dossier)
        Organisation.objects.create(nom=f"National {n}", kind=OrganisationType.ANAH)
    big, html = count()
    assert "Organisme 29" in html and "National 29" in html
    assert big == small


def test_name_lookup_of_the_importer_and_typed_names_is_scoped(two_dossiers):
    from pvd.territoires.selectors import organisations_by_name

    a, b, own_a, own_b, national = two_dossiers
    assert organisations_by_name(["ASSOCIATION DE A", "banque des territoires"], dossier=b) == {
        "banque des territoires": national
    }
    assert organisations_by_name(["Association de A"], dossier=a) == {"association de a": own_a}
    typed = services.organisation_find_or_create(dossier=b, nom="Association de A", kind=OrganisationType.AUTRE)
    assert typed.dossier == b and typed != own_a


def test_anct_cannot_make_a_commune_national():
    with pytest.raises(ValidationError, match="pas un organisme national"):
        dossier_services.organisation_national_create(
            nom="Commune X", kind=OrganisationType.COMMUNE, by=UserFactory(anct=True)
        )
