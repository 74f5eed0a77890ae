from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm

from pvd.core.forms import BaseForm

from .models import User


class LoginForm(BaseForm, AuthenticationForm):
    username = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class ResetForm(BaseForm, PasswordResetForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254)


class NewPasswordForm(BaseForm, SetPasswordForm):
    pass


class ChangePasswordForm(BaseForm, PasswordChangeForm):
    pass


class AcceptInvitationForm(BaseForm):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 10 caractères, pas uniquement des chiffres.",
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        # The validators compare the password with the account it will belong to (its e-mail
        # address and names): validated here, once the names are known.
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            future_user = User(
                email=self.email, first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", "")
            )
            try:
                password_validation.validate_password(password, user=future_user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PreferencesForm(BaseForm):
    digest_hebdo = forms.BooleanField(
        label="Recevoir chaque semaine le récapitulatif des nouvelles alertes de mes dossiers",
        help_text="Envoyé aux chefs de projet et aux membres de l'équipe-projet : fiches et étapes en retard, "
        "indicateurs sans valeur récente, financements sans réponse, échéances, comptes rendus à rédiger.",
        required=False,
    )


class CodeForm(BaseForm):
    code = forms.CharField(
        label="Code de vérification",
        max_length=16,
        help_text="Les 6 chiffres affichés par votre application d'authentification, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


class PolitiqueSecuriteForm(BaseForm):
    double_facteur_etat = forms.BooleanField(
        label="Rendre la double authentification obligatoire pour les comptes de l'État (préfectures, ANCT)",
        help_text="Ainsi que pour les administrateurs de la plateforme.",
        required=False,
    )
    double_facteur_chefs = forms.BooleanField(
        label="Rendre la double authentification obligatoire pour les chefs de projet",
        help_text="Tout compte chef de projet d'au moins un dossier.",
        required=False,
    )


class AccountCloseForm(BaseForm):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe pour fermer votre compte."},
    )
