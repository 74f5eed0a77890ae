from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from pvd.core.forms import BaseForm


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


class AcceptInvitationForm(BaseForm):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 10 caractères, pas uniquement des chiffres.",
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class PreferencesForm(BaseForm):
    digest_hebdo = forms.BooleanField(
        label="Recevoir chaque semaine le récapitulatif des nouvelles alertes de mes dossiers",
        help_text="Envoyé aux chefs de projet et aux membres de l'équipe-projet : fiches et étapes en retard, "
        "indicateurs sans valeur récente, financements sans réponse, échéances, comptes rendus à rédiger.",
        required=False,
    )


class AccountCloseForm(BaseForm):
    password = forms.CharField(
        label="Votre mot de passe, pour confirmer",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe pour fermer votre compte."},
    )
