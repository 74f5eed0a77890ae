"""Session lifetime: an idle timeout and an absolute expiry after the login."""

import datetime

from django.conf import settings
from django.utils import timezone

STARTED = "pvd_session_debut"
LAST_SEEN = "pvd_session_activite"
# Writing the session at every request would cost a query each time: the last activity is
# written again only when it is older than this.
LAST_SEEN_PRECISION = datetime.timedelta(minutes=1)

IDLE_MESSAGE = "Votre session a expiré après {minutes} minutes d'inactivité : reconnectez-vous."
MAX_MESSAGE = "Votre session a expiré : elle dure au plus {heures} heures. Reconnectez-vous."


def now() -> datetime.datetime:
    """The clock of the sessions (the tests move it)."""
    return timezone.now()


def session_start(session) -> None:
    """Called at the login: the session's clocks start now."""
    now_ = now()
    session[STARTED] = now_.timestamp()
    session[LAST_SEEN] = now_.timestamp()


def expiry_message(session) -> str | None:
    """Why the session of a signed-in user has expired, or None (and the activity noted)."""
    started, last_seen = session.get(STARTED), session.get(LAST_SEEN)
    if started is None or last_seen is None:
        session_start(session)
        return None
    current = now().timestamp()
    idle = datetime.timedelta(minutes=settings.PVD_SESSION_INACTIVITE_MINUTES)
    longest = datetime.timedelta(hours=settings.PVD_SESSION_DUREE_MAX_HEURES)
    if current - started >= longest.total_seconds():
        return MAX_MESSAGE.format(heures=settings.PVD_SESSION_DUREE_MAX_HEURES)
    if current - last_seen >= idle.total_seconds():
        return IDLE_MESSAGE.format(minutes=settings.PVD_SESSION_INACTIVITE_MINUTES)
    if current - last_seen >= LAST_SEEN_PRECISION.total_seconds():
        session[LAST_SEEN] = current
    return None
