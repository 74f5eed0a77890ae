import factory
from django.core.files.base import ContentFile

from pvd.documents.models import Document, DocumentKind, DocumentVersion
from pvd.dossiers.tests.factories import DossierFactory

PDF = b"%PDF-1.4 document de test"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    dossier = factory.SubFactory(DossierFactory)
    titre = factory.Sequence(lambda n: f"Étude de revitalisation {n}")
    kind = DocumentKind.ETUDE

    class Params:
        confidential = factory.Trait(confidentiel=True)

    @factory.post_generation
    def versions(self, create, extracted, **kwargs):
        """DocumentFactory(versions=2): that many PDF versions (one by default)."""
        if not create:
            return
        for numero in range(1, (1 if extracted is None else extracted) + 1):
            DocumentVersionFactory(document=self, numero=numero)


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(DocumentFactory, versions=0)
    numero = 1
    nom = factory.LazyAttribute(lambda o: f"etude-v{o.numero}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(PDF + str(o.numero).encode(), name=o.nom))
    taille = factory.LazyAttribute(lambda o: len(PDF) + len(str(o.numero)))
