import pytest

from pvd.dossiers import demo
from pvd.gouvernance import demo as gouvernance_demo
from pvd.gouvernance.models import Decision, Instance, MembreInstance, Seance
from pvd.gouvernance.selectors import composition_check
from pvd.gouvernance.steps import gouvernance
from pvd.participation import demo as participation_demo
from pvd.participation.models import Contribution, Moderation
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    DepartementFactory()
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed()
    gouvernance_demo.seed(context)
    participation_demo.seed(context)
    counts = [
        Instance.objects.count(),
        MembreInstance.objects.count(),
        Seance.objects.count(),
        Decision.objects.count(),
        Contribution.objects.count(),
        Moderation.objects.count(),
    ]
    gouvernance_demo.seed(demo.seed())
    participation_demo.seed(demo.seed())
    assert [
        Instance.objects.count(),
        MembreInstance.objects.count(),
        Seance.objects.count(),
        Decision.objects.count(),
        Contribution.objects.count(),
        Moderation.objects.count(),
    ] == counts
    # Without the strategy and the fiches: 3 decisions at the first séance, 1 at the second.
    assert counts[0] == 4 and counts[2] == 3 and counts[3] == 4 and counts[4] == 12
    comite = Instance.objects.get(kind="comite_projet")
    assert composition_check(comite) == []
    assert Seance.objects.filter(compte_rendu_approuve_le__isnull=False).count() == 2
    assert set(Contribution.objects.values_list("statut", flat=True)) == {"publiee", "en_attente", "refusee"}
    assert gouvernance(context.dossier)[0] == "termine"


def test_full_demo_has_two_seances_deciding_on_the_strategy_and_the_fiches(client):
    """seed_all: the strategie and actions demos first, so the séances decide on real objects,
    whose pages show their validation state with the date and the séance."""
    from bs4 import BeautifulSoup
    from django.urls import reverse
    from django.utils import timezone

    from pvd.actions.models import FicheAction
    from pvd.core.formatting import date_longue
    from pvd.gouvernance.selectors import validation_state, validation_states
    from pvd.strategie.models import ProjetTerritoire

    DepartementFactory(code="52")
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed_all()
    held = list(Seance.objects.filter(points__decisions__isnull=False).distinct().order_by("date"))
    assert len(held) == 2 and all(s.is_past and s.is_approved for s in held)
    assert Seance.objects.filter(date__gt=timezone.now()).count() == 1

    projet = ProjetTerritoire.objects.get(dossier=context.dossier)
    state = validation_state(projet)
    assert state.code == "valide" and state.seance == held[0]
    fiches = {f.numero: f for f in FicheAction.objects.filter(dossier=context.dossier)}
    states = validation_states(fiches.values())
    by_code = {}
    for numero, fiche in fiches.items():
        by_code.setdefault(states[fiche.pk].code, []).append(numero)
        if states[fiche.pk].decision:
            assert states[fiche.pk].seance == held[1]
    assert sorted(by_code["valide"]) == gouvernance_demo.VALIDATED_FICHES
    assert by_code["ajourne"] == [gouvernance_demo.ADJOURNED_FICHE]
    assert sorted(by_code["soumis"]) == gouvernance_demo.SUBMITTED_FICHES

    client.force_login(context.chef)
    kw = {"dossier_pk": context.dossier.pk}
    page = BeautifulSoup(client.get(reverse("strategie:index", kwargs=kw)).content, "html.parser")
    badge = page.select_one("#content #projet [data-etat]")
    assert badge["data-etat"] == "valide"
    assert date_longue(held[0].date) in badge.parent.get_text()
    for numero, expected in ((1, "Validée le"), (gouvernance_demo.ADJOURNED_FICHE, "Ajournée le")):
        url = reverse("actions:fiche", kwargs=kw | {"fiche_pk": fiches[numero].pk})
        text = BeautifulSoup(client.get(url).content, "html.parser").select_one("#validation").get_text(" ", strip=True)
        assert text.startswith(f"{expected} {date_longue(held[1].date)}")


def test_full_demo_first_seance_validates_the_submitted_diagnostic_document(settings, tmp_path):
    """The séance that validates « the diagnostic » decides on the document the documents demo
    submitted: no contradiction between the minutes and the dossier's steps."""
    from pvd.documents.models import Document
    from pvd.gouvernance.models import PointOrdreDuJour
    from pvd.gouvernance.selectors import points_on, validation_state

    settings.MEDIA_ROOT = tmp_path
    DepartementFactory(code="52")
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed_all()
    document = Document.objects.get(dossier=context.dossier, kind="diagnostic")
    state = validation_state(document)
    premiere = Seance.objects.get(lieu=gouvernance_demo.LIEU_PREMIERE)
    assert state.code == "valide" and state.seance == premiere
    assert PointOrdreDuJour.objects.filter(seance=premiere, titre="Validation du diagnostic partagé").count() == 1
    assert points_on(document).count() == 1  # the submission itself, put on the agenda
    before = PointOrdreDuJour.objects.count()
    demo.seed_all()
    assert PointOrdreDuJour.objects.count() == before
    assert validation_state(document).code == "valide"
