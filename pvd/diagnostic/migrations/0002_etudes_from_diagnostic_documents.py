"""Every document of kind « diagnostic » (what step 3 followed before the diagnostic app) becomes
the deliverable of a new study of its dossier, so that none is lost from the diagnostic: objet =
the document's title, its description, état « terminée », created when the document was.

The document itself is untouched (kind, confidentiality, versions and files). The reverse
migration deletes only the studies this one made: those whose deliverable is a « diagnostic »
document with the same title, description and creation date, still « terminée »."""

from django.db import migrations

DIAGNOSTIC = "diagnostic"
TERMINEE = "terminee"


def forward(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Etude = apps.get_model("diagnostic", "Etude")
    documents = Document.objects.filter(kind=DIAGNOSTIC).exclude(etudes__isnull=False).order_by("pk")
    for document in documents.iterator():
        etude = Etude.objects.create(
            dossier_id=document.dossier_id,
            objet=document.titre[:300],
            description=document.description,
            statut=TERMINEE,
            livrable=document,
        )
        # created_at is auto_now_add: set after the creation, to the document's date.
        Etude.objects.filter(pk=etude.pk).update(created_at=document.created_at)


def backward(apps, schema_editor):
    Etude = apps.get_model("diagnostic", "Etude")
    made = Etude.objects.filter(livrable__kind=DIAGNOSTIC, statut=TERMINEE).select_related("livrable")
    ids = [
        etude.pk
        for etude in made
        if etude.dossier_id == etude.livrable.dossier_id
        and etude.objet == etude.livrable.titre[:300]
        and etude.description == etude.livrable.description
        and etude.created_at == etude.livrable.created_at
    ]
    Etude.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostic", "0001_initial"),
        ("documents", "0003_documentversion_file"),
    ]

    operations = [migrations.RunPython(forward, backward)]
