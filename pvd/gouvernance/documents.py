"""Documents of a séance: ICS calendar entries and PDF (convocation, minutes)."""

import datetime

from django.template.loader import render_to_string
from icalendar import Calendar, Event

DUREE_SEANCE = datetime.timedelta(hours=2)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Petites villes de demain//PVD//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(seance, hidden: set[int]) -> Event:
    """A séance for any calendar: confidential fiche titles never appear (the file leaves the platform)."""
    from .selectors import label_points

    event = Event()
    event.add("uid", f"seance-{seance.pk}@pvd")
    event.add("summary", f"{seance.instance.nom} — {seance.instance.dossier.nom}")
    event.add("dtstart", seance.date)
    event.add("dtend", seance.date + DUREE_SEANCE)
    event.add("dtstamp", seance.date)
    if seance.lieu:
        event.add("location", seance.lieu)
    points = [p.libelle for p in label_points(seance.points.all(), seance.instance.dossier, hidden=hidden)]
    if points:
        event.add("description", "Ordre du jour :\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(points, 1)))
    return event


def seance_ics(seance) -> bytes:
    from .selectors import confidential_fiche_ids

    calendar = _calendar(seance.instance.nom)
    calendar.add_component(_event(seance, confidential_fiche_ids(seance.instance.dossier)))
    return calendar.to_ical()


def dossier_ics(dossier, seances) -> bytes:
    from .selectors import confidential_fiche_ids

    calendar = _calendar(f"Instances — {dossier.nom}")
    hidden = confidential_fiche_ids(dossier)
    for seance in seances:
        calendar.add_component(_event(seance, hidden))
    return calendar.to_ical()


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
