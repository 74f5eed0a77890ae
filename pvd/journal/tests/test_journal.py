"""The audit trail: every change of a dossier's data recorded (who, when, before/after), read by
the chef de projet on the Journal page, exported as CSV, never changed; its retention."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction
from pvd.actions.services import fiche_update
from pvd.actions.tests.factories import FicheFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.journal.history import TRACKED
from pvd.journal.services import purge_old_history
from pvd.strategie.tests.factories import AxeFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, main


def _url(dossier, **query):
    url = reverse("journal:journal", kwargs={"dossier_pk": dossier.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_every_dossier_model_is_followed():
    labels = {model._meta.label for model in TRACKED}
    for label in [
        "dossiers.Dossier", "dossiers.Membre", "actions.FicheAction", "actions.LigneFinancement",
        "documents.Document", "documents.DocumentVersion", "conventions.Convention", "gouvernance.Decision",
        "gouvernance.Seance", "strategie.SecteurIntervention", "suivi.Mesure", "diagnostic.Donnee",
        "participation.Contribution", "pilotage.Avis",
    ]:  # fmt: skip
        assert label in labels


@pytest.mark.django_db
def test_a_change_is_recorded_with_its_dossier_and_author(client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    fiche = FicheFactory(dossier=chef.dossier, titre="Halles")
    client.force_login(chef.user)
    fiche.titre = "Halles couvertes"
    fiche._history_user = chef.user
    fiche.save()
    records = list(FicheAction.history.filter(id=fiche.pk).order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert {r.dossier_ref for r in records} == {chef.dossier.pk}
    response = client.get(_url(chef.dossier))
    table = main(response).select_one("#journal")
    text = table.get_text(" ", strip=True)
    assert "Modification" in text and "Titre" in text
    assert "Halles couvertes" in text and "Halles" in text
    assert chef.user.full_name in text or chef.user.email in text


@pytest.mark.django_db
def test_fiche_axes_change_shows_before_and_after(client):
    """Many-to-many changes are in the history (issue 14): the fiche's axes, before → after."""
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    habitat, commerce, mobilite = (
        AxeFactory(dossier=chef.dossier, titre=titre) for titre in ("Habitat", "Commerce", "Mobilités")
    )
    fiche = FicheFactory(dossier=chef.dossier, titre="Halles")
    fiche.axes.set([habitat, commerce])
    fiche_update(fiche=fiche, axes=[commerce, mobilite], by=chef.user)
    client.force_login(chef.user)
    rows = main(client.get(_url(chef.dossier))).select("#journal li")
    changes = [row.get_text(" ", strip=True) for row in rows if row.get_text().startswith("Axes")]
    assert any(
        str(habitat) in change.split("→")[0]
        and str(commerce) in change.split("→")[1]
        and str(mobilite) in change.split("→")[1]
        and str(habitat) not in change.split("→")[1]
        for change in changes
    ), changes


@pytest.mark.django_db
def test_middleware_records_who_changed_through_a_page(client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    client.force_login(chef.user)
    update = reverse("dossiers:update", kwargs={"dossier_pk": chef.dossier.pk})
    response = client.post(
        update, {"nom": "Langres renommé", "date_entree": "", "pvd_id": "", **edit_fields(client, update)}
    )
    assert response.status_code in (200, 302)
    last = chef.dossier.history.order_by("-history_id").first()
    assert last.nom == "Langres renommé" and last.history_user == chef.user


@pytest.mark.django_db
def test_filters_and_csv(client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    FicheFactory(dossier=chef.dossier, titre="Fiche A")
    other = MembreFactory(dossier=chef.dossier, role=Role.EQUIPE)
    client.force_login(chef.user)
    kind = "actions.ficheaction"
    page = main(client.get(_url(chef.dossier, type=kind))).get_text(" ", strip=True)
    assert "Fiche A" in page and "Membre" not in page.split("Changements")[-1]
    page = main(client.get(_url(chef.dossier, action="-"))).get_text(" ", strip=True)
    assert "Aucun changement" in page
    page = main(client.get(_url(chef.dossier, personne=other.user.pk))).get_text(" ", strip=True)
    assert "Aucun changement" in page or "Sélectionnez un choix valide" in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "Aucun changement" in main(client.get(_url(chef.dossier, du=tomorrow))).get_text()
    response = client.get(_url(chef.dossier, type=kind, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    assert content.splitlines()[0].startswith("Date;Personne;Action")
    assert "Fiche A" in content and "Membre" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_the_chef_reads_the_journal(client_for, dossier, kind):
    client = client_for(dossier, kind)
    response = client.get(_url(dossier))
    if kind == Role.CHEF_DE_PROJET:
        assert response.status_code == 200
    else:
        assert_refused(response, kind)


@pytest.mark.django_db
def test_other_dossier_journal_refused_and_not_mixed(client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    other = DossierFactory(nom="Autre dossier")
    FicheFactory(dossier=other, titre="Fiche d'ailleurs")
    client.force_login(chef.user)
    assert client.get(_url(other)).status_code == 404
    assert "Fiche d'ailleurs" not in main(client.get(_url(chef.dossier))).get_text()


@pytest.mark.django_db
def test_journal_queries_do_not_grow(client):
    chef = MembreFactory(role=Role.CHEF_DE_PROJET)
    client.force_login(chef.user)
    first = FicheFactory(dossier=chef.dossier)
    first.titre = "Modifiée"
    first.save()  # each size shows a creation and a change of a fiche and of a member
    axe = AxeFactory(dossier=chef.dossier)
    first.axes.add(axe)  # and a change of axes

    def grow():
        for n in range(5):
            fiche = FicheFactory(dossier=chef.dossier, titre=f"Fiche {n}")
            fiche.titre = f"Fiche {n} modifiée"
            fiche.save()
            fiche.axes.add(axe, AxeFactory(dossier=chef.dossier))  # many-to-many changes read in bulk
            MembreFactory(dossier=chef.dossier, role=Role.LECTEUR)

    def run():
        return client.get(_url(chef.dossier)).status_code

    assert assert_queries_do_not_grow(run, grow=grow) == (200, 200)


@pytest.mark.django_db
def test_history_is_read_only_in_the_admin(admin_client):
    fiche = FicheFactory()
    record = fiche.history.first()
    changelist = reverse("admin:actions_historicalficheaction_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(reverse("admin:actions_historicalficheaction_add")).status_code == 403
    delete = reverse("admin:actions_historicalficheaction_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:actions_historicalficheaction_change", args=[record.pk])
    admin_client.post(change, {"titre": "Réécrit"})
    assert FicheAction.history.get(pk=record.pk).titre == fiche.titre


@pytest.mark.django_db
def test_purge_old_history(settings):
    settings.PVD_CONSERVATION_JOURNAL_JOURS = 30
    fiche = FicheFactory()
    old = fiche.history.first()
    FicheAction.history.filter(history_id=old.history_id).update(
        history_date=timezone.now() - datetime.timedelta(days=31)
    )
    fiche.titre = "Récent"
    fiche.save()
    assert purge_old_history() >= 1
    assert list(FicheAction.history.filter(id=fiche.pk).values_list("titre", flat=True)) == ["Récent"]


@pytest.mark.django_db
def test_purger_journal_command(settings):
    from django.core.management import call_command

    settings.PVD_CONSERVATION_JOURNAL_JOURS = 0
    FicheFactory()
    call_command("purger_journal", stdout=io.StringIO())
    assert not FicheAction.history.exists()


@pytest.mark.django_db
def test_bulk_writes_of_values_are_recorded():
    """`mesures_save` writes with bulk_create/bulk_update (no signal): the journal records them too."""
    from decimal import Decimal

    from pvd.comptes.tests.factories import UserFactory
    from pvd.dossiers.perms import Access
    from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory
    from pvd.suivi import services_mesures
    from pvd.suivi.models import Mesure
    from pvd.suivi.services_mesures import Saisie

    axe = AxeFactory()
    a, b = IndicateurFactory(axe=axe), IndicateurFactory(axe=axe)
    user = UserFactory()
    day = datetime.date(2026, 3, 31)
    old = Mesure.objects.create(indicateur=b, date=day, valeur=5)
    services_mesures.mesures_save(
        dossier=axe.dossier,
        saisies=[
            Saisie(key=1, indicateur=a, date=day, valeur=Decimal(1)),
            Saisie(key=2, indicateur=b, date=day, valeur=Decimal(6)),
        ],
        access=Access("chef_de_projet"),
        by=user,
    )
    rows = Mesure.history.filter(history_user=user)
    assert sorted(rows.values_list("history_type", flat=True)) == ["+", "~"]
    assert set(rows.values_list("dossier_ref", flat=True)) == {axe.dossier.pk}
    changed = rows.get(history_type="~")
    assert changed.id == old.pk and changed.valeur == 6


@pytest.mark.django_db
def test_purge_keeps_files_still_referred_to_and_drops_m2m_snapshots(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pvd.actions.models import FicheAction
    from pvd.diagnostic import services as diagnostic_services
    from pvd.diagnostic.models import DocumentPlanification

    settings.MEDIA_ROOT = tmp_path
    settings.PVD_CONSERVATION_JOURNAL_JOURS = 30
    dossier = DossierFactory()
    plan = diagnostic_services.plan_create(
        dossier=dossier,
        by=None,
        kind="plu",
        nom="PLU",
        statut="prescrit",
        file=SimpleUploadedFile("plu.pdf", b"%PDF-1.4 plu"),
    )
    current = tmp_path / plan.file.name
    fiche = FicheFactory(dossier=dossier)
    fiche.axes.add(AxeFactory(dossier=dossier))
    m2m_model = TRACKED[FicheAction].m2m_models[FicheAction._meta.get_field("axes")]
    assert m2m_model.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        purge_old_history(now=timezone.now() + datetime.timedelta(days=31))
    assert not DocumentPlanification.history.exists()
    assert current.exists()  # the plan still has it
    assert not m2m_model.objects.exists()


@pytest.mark.parametrize("factory", ["seance", "membre"], ids=["séance", "membre d'instance"])
def test_past_versions_without_their_instance_open_in_the_admin(admin_client, factory):
    """The history leaves out the `instance` field of séances and instance members (the name
    clashes with simple-history's own): their past versions still show, named by kind and number."""
    from pvd.gouvernance.tests.factories import MembreInstanceFactory, SeanceFactory

    obj = {"seance": SeanceFactory, "membre": MembreInstanceFactory}[factory]()
    record = obj.history.get()
    if factory == "seance":  # its name reads its instance
        assert str(record).startswith(f"{obj._meta.verbose_name} n° {obj.pk} (")
    label = record._meta.label_lower.replace(".", "_")
    for view in ("change", "history"):
        response = admin_client.get(reverse(f"admin:{label}_{view}", args=[record.pk]))
        assert response.status_code == 200
