"""`manage.py appliquer_conservation`: the residents' names and addresses are erased once the
retention period (PVD_CONSERVATION_CONTRIBUTIONS_JOURS) is over; the texts stay."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pvd.participation.models import Contribution, Moderation
from pvd.participation.retention import contributions_anonymise

from .factories import ContributionFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def _posted(at, **kwargs):
    contribution = ContributionFactory(auteur="Jeanne Habitante", email="jeanne@exemple.fr", **kwargs)
    Contribution.objects.filter(pk=contribution.pk).update(created_at=at)
    return contribution


def _run(*args) -> str:
    out = StringIO()
    call_command("appliquer_conservation", *args, stdout=out)
    return out.getvalue()


def test_the_boundary_is_the_retention_period(settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 30
    limit = NOW - datetime.timedelta(days=30)
    older = _posted(limit - datetime.timedelta(seconds=1))
    exactly = _posted(limit)
    newer = _posted(limit + datetime.timedelta(seconds=1))

    assert contributions_anonymise(now=NOW) == 1

    older.refresh_from_db(), exactly.refresh_from_db(), newer.refresh_from_db()
    assert (older.auteur, older.email) == ("", "")
    assert (exactly.auteur, exactly.email) == ("Jeanne Habitante", "jeanne@exemple.fr")
    assert (newer.auteur, newer.email) == ("Jeanne Habitante", "jeanne@exemple.fr")


def test_the_text_and_the_moderation_stay(settings, django_user_model):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 30
    moderator = django_user_model.objects.create_user("moderatrice@exemple.fr")
    old = _posted(
        NOW - datetime.timedelta(days=31),
        statut="refusee",
        motif_refus="Hors sujet",
        reponse="Merci.",
        moderated_by=moderator,
        texte="Plus de bancs sur la place.",
    )
    Moderation.objects.create(contribution=old, action="refus", motif="Hors sujet", by=moderator)
    contributions_anonymise(now=NOW)
    old.refresh_from_db()
    assert old.auteur == "" and old.email == "" and old.auteur_affiche == "Anonyme"
    assert (old.texte, old.statut, old.motif_refus, old.reponse) == (
        "Plus de bancs sur la place.",
        "refusee",
        "Hors sujet",
        "Merci.",
    )
    assert old.moderated_by == moderator and old.moderations.count() == 1


def test_the_command_summarises_in_french_and_is_idempotent(settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 1095
    old = timezone.now() - datetime.timedelta(days=1096)
    _posted(old)
    _posted(old)
    _posted(timezone.now())

    assert _run() == (
        "Contributions des habitants déposées il y a plus de 1095 jours : 2 contributions anonymisées "
        "(nom et adresse électronique effacés).\n"
    )
    assert "0 contribution anonymisée" in _run()
    assert Contribution.objects.filter(email="").count() == 2


def test_the_dry_run_changes_nothing(settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 10
    contribution = _posted(timezone.now() - datetime.timedelta(days=11))
    output = _run("--dry-run")
    assert output.startswith("Simulation : rien n'est modifié.\n")
    assert "1 contribution à anonymiser" in output
    contribution.refresh_from_db()
    assert contribution.email == "jeanne@exemple.fr" and contribution.auteur == "Jeanne Habitante"


def test_a_failing_step_leaves_everything_as_it_was(settings, monkeypatch):
    from pvd.participation.management.commands import appliquer_conservation

    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 10
    contribution = _posted(timezone.now() - datetime.timedelta(days=11))

    def broken(*, now, dry_run):
        raise RuntimeError("panne")

    monkeypatch.setattr(appliquer_conservation, "STEPS", [*appliquer_conservation.STEPS, broken])
    with pytest.raises(RuntimeError):
        _run()
    contribution.refresh_from_db()
    assert contribution.email == "jeanne@exemple.fr"


def test_an_anonymous_contribution_is_not_counted(settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 10
    contribution = ContributionFactory(auteur="", email="")
    Contribution.objects.filter(pk=contribution.pk).update(created_at=timezone.now() - datetime.timedelta(days=11))
    assert contributions_anonymise() == 0
