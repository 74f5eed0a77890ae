"""Documents of a séance: ICS calendar entries and PDF (convocation, minutes)."""

import datetime

from django.template.loader import render_to_string
from icalendar import Calendar, Event

from pvd.core.rendered import html_to_pdf

DUREE_SEANCE = datetime.timedelta(hours=2)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Petites villes de demain//PVD//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _event(seance, hidden: set[tuple[int, int]], now: datetime.datetime) -> Event:
    """A séance for any calendar: confidential fiche titles never appear (the file leaves the platform).

    DTSTAMP is when the file is made (RFC 5545, in UTC); SEQUENCE rises with each change of date
    or place, so calendar clients replace the event they already have."""
    from .selectors import label_points

    event = Event()
    event.add("uid", f"seance-{seance.pk}@pvd")
    event.add("summary", f"{seance.instance.nom} — {seance.instance.dossier.nom}")
    event.add("dtstart", seance.date)
    event.add("dtend", seance.date + DUREE_SEANCE)
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("sequence", seance.sequence)
    if seance.lieu:
        event.add("location", seance.lieu)
    points = [p.libelle for p in label_points(seance.points.all(), seance.instance.dossier, hidden=hidden)]
    if points:
        event.add("description", "Ordre du jour :\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(points, 1)))
    return event


def seance_ics(seance, *, now: datetime.datetime | None = None) -> bytes:
    from .selectors import confidential_targets

    calendar = _calendar(seance.instance.nom)
    calendar.add_component(_event(seance, confidential_targets(seance.instance.dossier), now or _now()))
    return calendar.to_ical()


def dossier_ics(dossier, seances, *, now: datetime.datetime | None = None) -> bytes:
    from .selectors import confidential_targets

    calendar = _calendar(f"Instances — {dossier.nom}")
    hidden = confidential_targets(dossier)
    now = now or _now()
    for seance in seances:
        calendar.add_component(_event(seance, hidden, now))
    return calendar.to_ical()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
