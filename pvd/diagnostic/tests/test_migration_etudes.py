"""The data migration that makes each « diagnostic » document the deliverable of a study (diagnostic 0002)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("diagnostic", "0001_initial")]
AFTER = [("diagnostic", "0002_etudes_from_diagnostic_documents")]


@pytest.fixture
def migrate(transactional_db, settings, tmp_path):
    """migrate(targets) → the historical apps at that state."""
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)

    def run(targets):
        executor.loader.build_graph()
        return executor.migrate(targets).apps

    yield run
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_diagnostic_documents_become_studies_and_nothing_is_lost(migrate, tmp_path):
    apps = migrate(BEFORE)
    Region = apps.get_model("territoires", "Region")
    Departement = apps.get_model("territoires", "Departement")
    Epci = apps.get_model("territoires", "Epci")
    Dossier = apps.get_model("dossiers", "Dossier")
    Document = apps.get_model("documents", "Document")
    Version = apps.get_model("documents", "DocumentVersion")
    Etude = apps.get_model("diagnostic", "Etude")

    Departement.objects.create(code="52", nom="Haute-Marne", region=Region.objects.create(code="44"))
    epci = Epci.objects.create(siren="200000001", nom="CC Test")
    a = Dossier.objects.create(nom="A", epci=epci)
    b = Dossier.objects.create(nom="B", epci=epci)

    def document(dossier, titre, kind, *, confidentiel=False, description=""):
        doc = Document.objects.create(
            dossier=dossier, titre=titre, kind=kind, confidentiel=confidentiel, description=description
        )
        version = Version(document=doc, numero=1, nom=f"{titre}.pdf", taille=9)
        version.file.save(f"documents/{dossier.pk}/{doc.pk}/v1.pdf", ContentFile(b"%PDF-1.4 " + titre.encode()))
        return doc

    shared = document(a, "Diagnostic partagé", "diagnostic", description="Ateliers de mars.")
    secret = document(a, "Diagnostic foncier", "diagnostic", confidentiel=True)
    in_b = document(b, "Diagnostic de B", "diagnostic")
    etude_doc = document(a, "Étude commerce", "etude")
    compte_rendu = document(b, "Compte rendu", "compte_rendu")
    long_ago = datetime.datetime(2024, 3, 1, 10, 0, tzinfo=datetime.UTC)
    Document.objects.filter(pk=shared.pk).update(created_at=long_ago)
    already = Etude.objects.create(dossier=b, objet="Étude déjà liée", statut="en_cours", livrable=in_b)
    files = {v.pk: (v.file.name, (tmp_path / v.file.name).read_bytes()) for v in Version.objects.all()}
    documents_before = list(Document.objects.order_by("pk").values())

    apps = migrate(AFTER)
    Document = apps.get_model("documents", "Document")
    Version = apps.get_model("documents", "DocumentVersion")
    Etude = apps.get_model("diagnostic", "Etude")

    made = {e.livrable_id: e for e in Etude.objects.exclude(pk=already.pk)}
    # One study per « diagnostic » document not yet a deliverable; the other kinds untouched.
    assert set(made) == {shared.pk, secret.pk}
    assert Etude.objects.count() == 3
    etude = made[shared.pk]
    assert (etude.dossier_id, etude.objet, etude.description, etude.statut) == (
        a.pk,
        "Diagnostic partagé",
        "Ateliers de mars.",
        "terminee",
    )
    assert etude.created_at == long_ago
    assert made[secret.pk].dossier_id == a.pk
    assert etude_doc.pk not in made and compte_rendu.pk not in made
    # Documents untouched: kind, confidentiality (the confidential one stays so), versions, files.
    assert list(Document.objects.order_by("pk").values()) == documents_before
    assert Document.objects.get(pk=secret.pk).confidentiel is True
    assert {v.pk: (v.file.name, (tmp_path / v.file.name).read_bytes()) for v in Version.objects.all()} == files

    # Backwards: only the studies the migration made go.
    apps = migrate(BEFORE)
    Etude = apps.get_model("diagnostic", "Etude")
    Document = apps.get_model("documents", "Document")
    assert list(Etude.objects.values_list("pk", flat=True)) == [already.pk]
    assert list(Document.objects.order_by("pk").values()) == documents_before
