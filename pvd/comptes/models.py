from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class StateScope(models.TextChoices):
    NONE = "", "Aucune"
    PREFECTURE = "prefecture", "Préfecture de département"
    ANCT = "anct", "ANCT (national)"


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    # State agents follow dossiers without being members of them.
    state_scope = models.CharField("périmètre État", max_length=20, choices=StateScope.choices, default="", blank=True)
    departement = models.ForeignKey(
        "territoires.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The weekly e-mail of the alerts of the dossiers where the user is chef de projet or équipe
    # (pvd.pilotage.digest); each user may turn it off (« Mes préférences »).
    digest_hebdo = models.BooleanField("recevoir le récapitulatif hebdomadaire des alertes", default=True)
    is_staff = models.BooleanField("administrateur de la plateforme", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                name="prefecture_has_departement",
                condition=~Q(state_scope=StateScope.PREFECTURE) | Q(departement__isnull=False),
                violation_error_message="Un agent de préfecture doit être rattaché à un département.",
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.first_name or self.email


class PolitiqueSecurite(models.Model):
    """The one row of ANCT's security policy: who must use two-factor authentication."""

    double_facteur_etat = models.BooleanField(
        "double authentification obligatoire pour les comptes de l'État (préfectures, ANCT)", default=False
    )
    double_facteur_chefs = models.BooleanField(
        "double authentification obligatoire pour les chefs de projet", default=False
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name="modifiée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "politique de sécurité"
        constraints = [models.CheckConstraint(name="politique_securite_singleton", condition=Q(pk=1))]

    def __str__(self):
        return "Politique de sécurité des comptes"

    @classmethod
    def load(cls) -> "PolitiqueSecurite":
        """The policy (nothing compulsory until ANCT saves one)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
