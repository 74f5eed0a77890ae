from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from . import forms, views

app_name = "comptes"


def public(view):
    return login_not_required(view)


urlpatterns = [
    path(
        "connexion/",
        public(
            auth_views.LoginView.as_view(
                template_name="comptes/login.html",
                authentication_form=forms.LoginForm,
                redirect_authenticated_user=True,
                extra_context={"page_title": "Connexion"},
            )
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("mes-donnees/", views.mes_donnees, name="mes_donnees"),
    path("donnees-personnelles/", views.donnees_personnelles, name="donnees_personnelles"),
    path(
        "mot-de-passe/oubli/",
        public(
            auth_views.PasswordResetView.as_view(
                template_name="core/form_page.html",
                form_class=forms.ResetForm,
                email_template_name="comptes/password_reset_email.txt",
                subject_template_name="comptes/password_reset_subject.txt",
                success_url=reverse_lazy("comptes:password_reset_done"),
                extra_context={"page_title": "Mot de passe oublié", "submit_label": "Recevoir un lien"},
            )
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="comptes/password_reset_done.html", extra_context={"page_title": "Lien envoyé"}
            )
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="comptes/password_reset_confirm.html",
                form_class=forms.NewPasswordForm,
                success_url=reverse_lazy("comptes:password_reset_complete"),
                extra_context={"page_title": "Nouveau mot de passe"},
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="comptes/password_reset_complete.html",
                extra_context={"page_title": "Mot de passe changé"},
            )
        ),
        name="password_reset_complete",
    ),
]
