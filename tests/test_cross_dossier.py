"""An object of another dossier, reached under this dossier's URL, is a 404 and nothing changes.

Every view below looks its object up within the dossier of the URL. The user is the chef de
projet of "my" dossier (who may do everything there); each case is sent twice:
- with an object of another dossier (or a sub-object of another dossier under my own parent):
  404, and no row of the platform changed;
- with my own object, as a control that the URL and the payload are right: 200 for a GET, a
  redirect for a POST, and the POST did change something.
Each case also runs with the user being chef de projet of the other dossier as well: the
lookup must follow the dossier of the URL, not only what the user may see.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pvd.actions import services as actions_services
from pvd.actions.models import BudgetAnnuel, Etape
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.conventions import services as conventions_services
from pvd.conventions.models import ConventionDocumentKind, ConventionEtat
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.models import PointOrdreDuJour
from pvd.gouvernance.tests.factories import InstanceFactory, MembreInstanceFactory, SeanceFactory
from pvd.participation.tests.factories import ContributionFactory
from pvd.strategie import services as strategie_services
from pvd.strategie.models import SousObjectif
from pvd.strategie.tests.factories import AxeFactory, SecteurFactory, square
from pvd.strategie.tests.factories import IndicateurFactory as AxeIndicateurFactory
from pvd.territoires.tests.factories import OrganisationFactory
from tests.utils import edit_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded and generated files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def build_world(dossier, user, *, versions: int) -> SimpleNamespace:
    """One object of each kind in `dossier`, in a state where every action below is allowed."""
    w = SimpleNamespace(dossier=dossier, versions=versions)
    # Gouvernance: a held séance (minutes written, not approved) with two agenda points, and a
    # coming one to send a convocation for.
    w.instance = InstanceFactory(dossier=dossier)
    w.membre = MembreInstanceFactory(instance=w.instance)
    w.seance = SeanceFactory(instance=w.instance, passee=True, compte_rendu="Le comité a délibéré.")
    w.point = PointOrdreDuJour.objects.create(dossier=dossier, seance=w.seance, titre="Premier point", ordre=1)
    PointOrdreDuJour.objects.create(dossier=dossier, seance=w.seance, titre="Second point", ordre=2)
    w.future = SeanceFactory(instance=w.instance)
    # Stratégie: two axes (to move one), a sous-objectif, an indicator, a sector, `versions` versions.
    w.axe = AxeFactory(dossier=dossier, numero=1, ordre=1)
    AxeFactory(dossier=dossier, numero=2, ordre=2)
    w.sous = SousObjectif.objects.create(axe=w.axe, titre="Rénover les façades", ordre=1)
    w.axe_indicateur = AxeIndicateurFactory(axe=w.axe)
    w.secteur = SecteurFactory(dossier=dossier)
    for n in range(versions):
        strategie_services.projet_update(dossier=dossier, resume=f"Synthèse n° {n + 1}", by=user)
    # Plan d'action: a fiche and one sub-object of each kind.
    w.fiche = FicheFactory(dossier=dossier, numero=1)
    w.ligne = LigneFactory(fiche=w.fiche, statut="accorde")
    w.budget = BudgetAnnuel.objects.create(fiche=w.fiche, annee=2025, investissement=1000, fonctionnement=0)
    w.etape = Etape.objects.create(fiche=w.fiche, nom="Étude de faisabilité", date=datetime.date(2025, 3, 1))
    w.note = actions_services.note_create(fiche=w.fiche, by=user, date=datetime.date(2025, 4, 1), texte="Visite")
    w.piece = actions_services.piece_add(
        fiche=w.fiche, by=user, titre="Plan", file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
    )
    w.fiche_indicateur = actions_services.indicateur_create(
        fiche=w.fiche, by=user, nom="Logements rénovés", kind="resultat", unite="logements", frequence="annuelle"
    )
    # Conventions: an adhésion being signed, a signatory who has not signed, a generated draft.
    w.convention = ConventionFactory(dossier=dossier, etat=ConventionEtat.EN_SIGNATURE)
    w.signataire = SignataireFactory(convention=w.convention)
    w.organisation = OrganisationFactory()  # one that does not sign yet
    w.convention_document = conventions_services.document_add(
        convention=w.convention,
        kind=ConventionDocumentKind.PROJET_PDF,
        filename="projet.pdf",
        content=b"%PDF-1.4 projet",
        by=user,
    )
    # Documents and participation.
    w.document = DocumentFactory(dossier=dossier)
    w.version = w.document.versions.get()
    w.contribution = ContributionFactory(dossier=dossier)
    return w


def pdf(name="fichier.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 contenu", content_type="application/pdf")


@dataclass(frozen=True)
class Case:
    """`kwargs(mine, owner)`: the URL's arguments besides dossier_pk. `owner` is the world of the
    other dossier for the 404 request and my own world for the control; `mine` is always mine
    (for a sub-object of another dossier placed under my own parent)."""

    id: str
    name: str
    kwargs: Callable
    method: str = "get"
    data: Callable | None = None  # data(mine, owner) → the POST body
    query: Callable | None = None  # query(owner) → "?..."


def fiche(m, o):
    return {"fiche_pk": o.fiche.pk}


def seance(m, o):
    return {"pk": o.seance.pk}


def axe(m, o):
    return {"axe_pk": o.axe.pk}


def convention(m, o):
    return {"pk": o.convention.pk}


def document(m, o):
    return {"document_pk": o.document.pk}


FICHE_DATA = {"titre": "Halle", "numero": "", "statut": "a_venir", "maturite": "idee", "priorite": "moyenne"}
LIGNE_DATA = {
    "nouveau_financeur": "Conseil départemental",
    "type_financeur": "departement",
    "dispositif": "departement",
    "montant": "250",
    "statut": "sollicite",
}
INDICATEUR_DATA = {"nom": "Vacance commerciale", "kind": "resultat", "unite": "%", "frequence": "annuelle"}


def secteur_data(m, o):
    commune = m.dossier.communes.first().pk  # the form offers the communes of the URL's dossier
    return {"nom": "Centre ancien", "kind": o.secteur.kind, "commune": commune, "geometry": json.dumps(square())}


def signataire_data(m, o):
    return {"organisation": o.signataire.organisation_id, "representant": "Mme Martin", "qualite": "Présidente"}


def new_signataire_data(m, o):
    return {"organisation": o.organisation.pk, "representant": "M. Durand", "qualite": "Préfet"}


GOUVERNANCE = [
    Case("instance", "gouvernance:instance", lambda m, o: {"pk": o.instance.pk}),
    Case(
        "instance-update",
        "gouvernance:instance_update",
        lambda m, o: {"pk": o.instance.pk},
        "post",
        lambda m, o: {"instance-nom": "Comité renommé", "instance-instance_existante": "non"},
    ),
    Case("seance", "gouvernance:seance", seance),
    Case(
        "seance-minutes",
        "gouvernance:compte_rendu",
        seance,
        "post",
        lambda m, o: {"cr-compte_rendu": "Un autre compte rendu."},
    ),
    Case(
        "membre_remove",
        "gouvernance:membre_remove",
        lambda m, o: {"pk": o.instance.pk, "membre_pk": o.membre.pk},
        "post",
    ),
    Case(
        "membre_remove-under-my-instance",
        "gouvernance:membre_remove",
        lambda m, o: {"pk": m.instance.pk, "membre_pk": o.membre.pk},
        "post",
    ),
    Case(
        "membre_end",
        "gouvernance:membre_end",
        lambda m, o: {"pk": o.instance.pk, "membre_pk": o.membre.pk},
        "post",
        lambda m, o: {"fin": "2025-01-15"},
    ),
    Case(
        "membre_end-under-my-instance",
        "gouvernance:membre_end",
        lambda m, o: {"pk": m.instance.pk, "membre_pk": o.membre.pk},
        "post",
        lambda m, o: {"fin": "2025-01-15"},
    ),
    Case(
        "point_move",
        "gouvernance:point_move",
        lambda m, o: {"pk": o.seance.pk, "point_pk": o.point.pk},
        "post",
        lambda m, o: {"sens": "bas"},
    ),
    Case(
        "point_move-under-my-seance",
        "gouvernance:point_move",
        lambda m, o: {"pk": m.seance.pk, "point_pk": o.point.pk},
        "post",
        lambda m, o: {"sens": "bas"},
    ),
    Case(
        "decision",
        "gouvernance:decision",
        lambda m, o: {"pk": o.seance.pk, "point_pk": o.point.pk},
        "post",
        lambda m, o: {"resultat": "valide", "texte": "Adopté."},
    ),
    Case(
        "decision-under-my-seance",
        "gouvernance:decision",
        lambda m, o: {"pk": m.seance.pk, "point_pk": o.point.pk},
        "post",
        lambda m, o: {"resultat": "valide", "texte": "Adopté."},
    ),
    Case("seance_delete", "gouvernance:seance_delete", seance),
    Case("seance_delete-post", "gouvernance:seance_delete", seance, "post"),
    Case(
        "presences",
        "gouvernance:presences",
        seance,
        "post",
        lambda m, o: {f"presence-{o.membre.pk}": "present"},
    ),
    Case("approve", "gouvernance:approve", seance, "post"),
    Case("convocation", "gouvernance:convocation", seance),
    Case("convocation_pdf", "gouvernance:convocation_pdf", seance),
    Case("convocation_send", "gouvernance:convocation_send", lambda m, o: {"pk": o.future.pk}, "post"),
    Case("compte_rendu_pdf", "gouvernance:compte_rendu_pdf", seance),
    Case("seance_ics", "gouvernance:seance_ics", seance),
]

STRATEGIE = [
    Case("axe_update", "strategie:axe_update", axe),
    Case(
        "axe_update-post",
        "strategie:axe_update",
        axe,
        "post",
        lambda m, o: {"numero": "1", "titre": "Axe renommé", "echelle": "commune"},
    ),
    Case("axe_delete", "strategie:axe_delete", axe),
    Case("axe_delete-post", "strategie:axe_delete", axe, "post"),
    Case("axe_move", "strategie:axe_move", lambda m, o: {"axe_pk": o.axe.pk, "direction": "down"}, "post"),
    Case("axe_submit", "strategie:axe_submit", axe, "post"),
    Case("sous_objectif_create", "strategie:sous_objectif_create", axe, "post", lambda m, o: {"titre": "Nouveau"}),
    Case(
        "sous_objectif_update",
        "strategie:sous_objectif_update",
        lambda m, o: {"pk": o.sous.pk},
        "post",
        lambda m, o: {"titre": "Renommé"},
    ),
    Case("sous_objectif_delete", "strategie:sous_objectif_delete", lambda m, o: {"pk": o.sous.pk}, "post"),
    Case("indicateur_create", "strategie:indicateur_create", axe),
    Case("indicateur_create-post", "strategie:indicateur_create", axe, "post", lambda m, o: INDICATEUR_DATA),
    Case("indicateur_update", "strategie:indicateur_update", lambda m, o: {"pk": o.axe_indicateur.pk}),
    Case(
        "indicateur_update-post",
        "strategie:indicateur_update",
        lambda m, o: {"pk": o.axe_indicateur.pk},
        "post",
        lambda m, o: INDICATEUR_DATA,
    ),
    Case("indicateur_delete", "strategie:indicateur_delete", lambda m, o: {"pk": o.axe_indicateur.pk}),
    Case("indicateur_delete-post", "strategie:indicateur_delete", lambda m, o: {"pk": o.axe_indicateur.pk}, "post"),
    Case("secteur_update", "strategie:secteur_update", lambda m, o: {"pk": o.secteur.pk}),
    Case("secteur_update-post", "strategie:secteur_update", lambda m, o: {"pk": o.secteur.pk}, "post", secteur_data),
    Case("secteur_delete", "strategie:secteur_delete", lambda m, o: {"pk": o.secteur.pk}),
    Case("secteur_delete-post", "strategie:secteur_delete", lambda m, o: {"pk": o.secteur.pk}, "post"),
    # The other dossier has two versions, mine only one: version 2 exists only over there.
    Case("version_diff", "strategie:version_diff", lambda m, o: {}, query=lambda o: f"?b={o.versions}"),
]


def under_my_fiche(attr, kwarg):
    """A sub-object of the other dossier's fiche, placed under my own fiche in the URL."""
    return lambda m, o: {"fiche_pk": m.fiche.pk, kwarg: getattr(o, attr).pk}


def of_fiche(attr, kwarg):
    return lambda m, o: {"fiche_pk": o.fiche.pk, kwarg: getattr(o, attr).pk}


ACTIONS = [
    Case("fiche", "actions:fiche", fiche),
    Case("fiche_update", "actions:fiche_update", fiche),
    Case("fiche_update-post", "actions:fiche_update", fiche, "post", lambda m, o: FICHE_DATA),
    Case("fiche_delete", "actions:fiche_delete", fiche),
    Case("fiche_delete-post", "actions:fiche_delete", fiche, "post"),
    Case("fiche_pdf", "actions:fiche_pdf", fiche),
    Case("fiche_docx", "actions:fiche_docx", fiche),
    Case("fiche_submit", "actions:fiche_submit", fiche, "post"),
    Case("ligne_add", "actions:ligne_add", fiche, "post", lambda m, o: LIGNE_DATA),
    Case(
        "budget_add",
        "actions:budget_add",
        fiche,
        "post",
        lambda m, o: {"annee": "2026", "investissement": "5", "fonctionnement": "0"},
    ),
    Case("etape_add", "actions:etape_add", fiche, "post", lambda m, o: {"nom": "Consultation", "date": "2025-06-01"}),
    Case("note_add", "actions:note_add", fiche, "post", lambda m, o: {"date": "2025-05-02", "texte": "Réunion"}),
    Case("piece_add", "actions:piece_add", fiche, "post", lambda m, o: {"titre": "Devis", "file": pdf()}),
    Case("indicateur_add", "actions:indicateur_add", fiche, "post", lambda m, o: INDICATEUR_DATA),
]
for _attr, _kwarg, _name, _method, _data in [
    ("ligne", "ligne_pk", "ligne_update", "get", None),
    ("ligne", "ligne_pk", "ligne_update", "post", lambda m, o: LIGNE_DATA),
    ("ligne", "ligne_pk", "ligne_statut", "post", lambda m, o: {"statut": "sollicite"}),
    ("ligne", "ligne_pk", "ligne_delete", "post", None),
    ("budget", "budget_pk", "budget_delete", "post", None),
    ("etape", "etape_pk", "etape_toggle", "post", None),
    ("etape", "etape_pk", "etape_delete", "post", None),
    ("note", "note_pk", "note_delete", "post", None),
    ("piece", "piece_pk", "piece_download", "get", None),
    ("piece", "piece_pk", "piece_delete", "post", None),
    ("fiche_indicateur", "indicateur_pk", "indicateur_update", "get", None),
    ("fiche_indicateur", "indicateur_pk", "indicateur_update", "post", lambda m, o: INDICATEUR_DATA),
    ("fiche_indicateur", "indicateur_pk", "indicateur_delete", "post", None),
]:
    _id = f"{_name}-post" if _method == "post" and _name in {"ligne_update", "indicateur_update"} else _name
    ACTIONS.append(Case(_id, f"actions:{_name}", of_fiche(_attr, _kwarg), _method, _data))
    ACTIONS.append(Case(f"{_id}-under-my-fiche", f"actions:{_name}", under_my_fiche(_attr, _kwarg), _method, _data))


def signataire_of(which):
    def kwargs(m, o):
        parent = m if which == "mine" else o
        return {"pk": parent.convention.pk, "signataire_pk": o.signataire.pk}

    return kwargs


CONVENTIONS = [
    Case("detail", "conventions:detail", convention),
    Case("update", "conventions:update", convention),
    Case(
        "update-post",
        "conventions:update",
        convention,
        "post",
        lambda m, o: {"titre": "Adhésion", "duree_annees": "6", "etat": "en_signature"},
    ),
    Case("resilier", "conventions:resilier", convention),
    Case("delete", "conventions:delete", convention),
    Case("delete-post", "conventions:delete", convention, "post"),
    Case("resilier-post", "conventions:resilier", convention, "post", lambda m, o: {"confirmation": "on"}),
    Case("submit", "conventions:submit", convention, "post"),
    Case("signataire_create", "conventions:signataire_create", convention),
    Case("signataire_create-post", "conventions:signataire_create", convention, "post", new_signataire_data),
    Case("generate", "conventions:generate", lambda m, o: {"pk": o.convention.pk, "fmt": "pdf"}, "post"),
    Case("signed_upload", "conventions:signed_upload", convention),
    Case("signed_upload-post", "conventions:signed_upload", convention, "post", lambda m, o: {"file": pdf()}),
]
for _which in ("theirs", "mine"):
    _suffix = "" if _which == "theirs" else "-under-my-convention"
    CONVENTIONS += [
        Case(f"signataire_update{_suffix}", "conventions:signataire_update", signataire_of(_which)),
        Case(
            f"signataire_update-post{_suffix}",
            "conventions:signataire_update",
            signataire_of(_which),
            "post",
            signataire_data,
        ),
        Case(f"signataire_delete{_suffix}", "conventions:signataire_delete", signataire_of(_which), "post"),
        Case(
            f"signature{_suffix}",
            "conventions:signature",
            signataire_of(_which),
            "post",
            lambda m, o: {"signe_le": "2023-05-02"},
        ),
    ]
CONVENTIONS += [
    Case(
        "document",
        "conventions:document",
        lambda m, o: {"pk": o.convention.pk, "document_pk": o.convention_document.pk},
    ),
    Case(
        "document-under-my-convention",
        "conventions:document",
        lambda m, o: {"pk": m.convention.pk, "document_pk": o.convention_document.pk},
    ),
]

DOCUMENTS = [
    Case("detail", "documents:detail", document),
    Case("version_add", "documents:version_add", document, "post", lambda m, o: {"file": pdf("v2.pdf")}),
    Case("download", "documents:download", lambda m, o: {"document_pk": o.document.pk, "version_pk": o.version.pk}),
    Case(
        "download-under-my-document",
        "documents:download",
        lambda m, o: {"document_pk": m.document.pk, "version_pk": o.version.pk},
    ),
    Case("delete", "documents:delete", document),
    Case("delete-post", "documents:delete", document, "post"),
    Case("submit", "documents:submit", document, "post"),
]

PARTICIPATION = [
    Case(
        "moderate-publier",
        "participation:moderate",
        lambda m, o: {"pk": o.contribution.pk, "action": "publier"},
        "post",
    ),
    Case(
        "moderate-refuser",
        "participation:moderate",
        lambda m, o: {"pk": o.contribution.pk, "action": "refuser"},
        "post",
        lambda m, o: {"motif": "Hors sujet"},
    ),
    Case(
        "moderate-repondre",
        "participation:moderate",
        lambda m, o: {"pk": o.contribution.pk, "action": "repondre"},
        "post",
        lambda m, o: {"reponse": "Merci pour votre proposition."},
    ),
]

CASES = [
    pytest.param(case, id=f"{app}:{case.id}")
    for app, cases in [
        ("gouvernance", GOUVERNANCE),
        ("strategie", STRATEGIE),
        ("actions", ACTIONS),
        ("conventions", CONVENTIONS),
        ("documents", DOCUMENTS),
        ("participation", PARTICIPATION),
    ]
    for case in cases
]


def snapshot() -> dict:
    """Every row of every table of the platform's apps."""
    rows = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("pvd."):
            continue
        for model in config.get_models(include_auto_created=True):
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


# The edit forms carry the version they were read at (pvd.core.concurrency): the control post
# reads it on the form's page, the edit page itself or (values) the page showing the form.
EDIT_FORMS = {
    "actions:fiche_update": None,
    "actions:ligne_update": None,
    "strategie:axe_update": None,
    "strategie:secteur_update": None,
    "conventions:update": None,
    "conventions:signataire_update": None,
    "documents:update": None,
    "gouvernance:instance_update": "gouvernance:instance",
    "gouvernance:membre_end": "gouvernance:instance",
    "gouvernance:seance_update": "gouvernance:seance",
    "gouvernance:compte_rendu": "gouvernance:seance",
    "gouvernance:decision": "gouvernance:seance",
    "gouvernance:presences": "gouvernance:seance",
    "conventions:signature": "conventions:detail",
    "strategie:indicateur_update": None,
    "actions:indicateur_update": None,
    # The sous-objectifs' forms are on their axe's page.
    "strategie:sous_objectif_update": lambda kwargs: reverse(
        "strategie:axe_update",
        kwargs={"dossier_pk": kwargs["dossier_pk"], "axe_pk": SousObjectif.objects.get(pk=kwargs["pk"]).axe_id},
    ),
}


def send(client, case, dossier, mine, owner):
    kwargs = {"dossier_pk": dossier.pk, **case.kwargs(mine, owner)}
    path = reverse(case.name, kwargs=kwargs)
    if case.query:
        path += case.query(owner)
    if case.method == "get":
        response = client.get(path)
    else:
        data = case.data(mine, owner) if case.data else {}
        if case.name in EDIT_FORMS and owner is mine:
            page = EDIT_FORMS[case.name]
            if page is None:
                page = path
            elif callable(page):
                page = page(kwargs)
            else:
                page = reverse(page, kwargs={"dossier_pk": dossier.pk, "pk": kwargs["pk"]})
            data = {**data, **edit_fields(client, page, path)}
        response = client.post(path, data)
    if response.streaming:  # a file download: read it, which closes the file as a server would
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("chef_there_too", [False, True], ids=["stranger-there", "chef-there-too"])
@pytest.mark.parametrize("case", CASES)
def test_object_of_another_dossier_is_not_found(client, dossier, case, chef_there_too):
    user = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    other = DossierFactory()
    other_chef = MembreFactory(dossier=other, role=Role.CHEF_DE_PROJET).user
    if chef_there_too:
        MembreFactory(dossier=other, user=user, role=Role.CHEF_DE_PROJET)
    mine = build_world(dossier, user, versions=1)
    theirs = build_world(other, other_chef, versions=2)
    client.force_login(user)
    before = snapshot()

    response = send(client, case, dossier, mine, theirs)
    assert response.status_code == 404
    assert snapshot() == before

    # The control: the same URL with my own objects is found (and a POST does its work).
    response = send(client, case, dossier, mine, mine)
    if case.method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert snapshot() != before
