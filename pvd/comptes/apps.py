from django.apps import AppConfig


def _on_login(sender, request, user, **kwargs):
    # Session bookkeeping, not a business side effect: the clocks of the session start, and the
    # two-factor state of this login is computed once (pvd.dossiers.middleware reads it).
    from . import double_facteur, sessions

    if request is not None and hasattr(request, "session"):
        sessions.session_start(request.session)
        request.session[double_facteur.SESSION_KEY] = double_facteur.login_state(user)


class ComptesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pvd.comptes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_on_login, dispatch_uid="pvd.comptes.session_start")
