from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history import register

from pvd.dossiers.models import Dossier, Invitation, Membre
from pvd.territoires.models import Organisation

from .history import DossierHistory

# The apps below this one cannot declare their history themselves (they do not import it).
register(Dossier, app="pvd.journal", records_class=DossierHistory, dossier="pk", m2m_fields=["communes"])
register(Membre, app="pvd.journal", records_class=DossierHistory, dossier="dossier_id")
register(Invitation, app="pvd.journal", records_class=DossierHistory, dossier="dossier_id", excluded_fields=["token"])
register(Organisation, app="pvd.journal", records_class=DossierHistory, dossier="dossier_id")


class Corbeille(models.Model):
    """A deleted object with everything its deletion took along (the cascade), until the chef de
    projet restores it or the retention (`PVD_CORBEILLE_JOURS`) is over. Its files stay on disk
    while it is here."""

    dossier_ref = models.IntegerField("dossier", null=True, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name="type", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField("identifiant", max_length=64)
    label = models.CharField("élément", max_length=300)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="supprimé par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted_at = models.DateTimeField("supprimé le", auto_now_add=True, db_index=True)
    # [{"model": "app.model", "pk": …, "fields": {…}}] in the order that restores (parents first),
    # then the links a deletion cleared (SET_NULL) to set back, and the stored files.
    payload = models.JSONField("contenu", default=dict, editable=False)
    item_count = models.PositiveIntegerField("éléments", default=1)

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name = "élément de la corbeille"
        verbose_name_plural = "corbeille"

    def __str__(self):
        return self.label
