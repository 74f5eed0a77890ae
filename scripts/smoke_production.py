"""Ask a running server for /healthz and one page (or file) of each app, as the demo's chef de projet.

Usage: python scripts/smoke_production.py http://127.0.0.1:8765
Standard library only: it runs in the virtualenv that holds the production requirements alone.
Requests carry X-Forwarded-Proto: https, as the reverse proxy of production does.
"""

import http.cookies
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

CHEF = ("chef@demo.pvd.fr", "demo-pvd-2026")  # the demo account printed by `make run`

# One page or generated file of each app of the demo dossier ({d}: its number), with what must be in it.
PAGES = [
    ("{d}/", "text/html", "Tableau de bord"),
    ("{d}/membres/", "text/html", "Membres"),
    ("{d}/gouvernance/", "text/html", "Gouvernance"),
    ("{d}/gouvernance/calendrier.ics", "text/calendar", "BEGIN:VCALENDAR"),
    ("{d}/strategie/", "text/html", "Stratégie"),
    ("{d}/plan-action/", "text/html", "Plan d"),
    ("{d}/plan-action/export.xlsx", "application/vnd.openxmlformats", None),
    ("{d}/plan-action/maquette/", "text/html", "Maquette"),
    ("{d}/documents/", "text/html", "Documents"),
    ("{d}/conventions/", "text/html", "Conventions"),
    ("{d}/participation/", "text/html", "Participation"),
]
PUBLIC = [
    ("/healthz", "application/json", '"ok"'),
    ("/", "text/html", "Petites villes de demain"),
    ("/comptes/connexion/", "text/html", "Connexion"),
    ("/accessibilite/", "text/html", "Accessibilit"),
]


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")
        # Kept by hand: production cookies are Secure, and the proxy's TLS is only pretended here.
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None):
        """GET (or POST data), following redirects; returns status, content type, body and final path."""
        for _ in range(5):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            headers = {"X-Forwarded-Proto": "https"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if data is not None:
                headers["Referer"] = "https://" + urllib.parse.urlsplit(self.base).netloc + path
            request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
            try:
                response = self.opener.open(request, timeout=60)  # noqa: S310 - a URL given on the command line
            except urllib.error.HTTPError as error:
                if error.code not in (301, 302, 303):
                    raise
                response = error
            with response:
                for header in response.headers.get_all("Set-Cookie") or []:
                    cookie = http.cookies.SimpleCookie(header)
                    self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
                if response.status in (301, 302, 303):
                    path, data = urllib.parse.urlsplit(response.headers["Location"]).path, None
                    continue
                return response.status, response.headers.get("Content-Type", ""), response.read(), path
        raise RuntimeError(f"trop de redirections depuis {path}")

    def csrf(self):
        return self.cookies["csrftoken"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(client, path, content_type, needle, failures):
    try:
        status, got_type, body, _ = client.request(path)
    except urllib.error.HTTPError as error:
        failures.append(f"{path} : HTTP {error.code}")
        return None
    if status != 200 or not got_type.startswith(content_type):
        failures.append(f"{path} : HTTP {status}, {got_type}")
    elif needle and needle.encode() not in body:
        failures.append(f"{path} : « {needle} » absent de la réponse")
    else:
        print(f"ok  {path}")
    return body


def main(base):
    client = Client(base)
    failures = []
    for path, content_type, needle in PUBLIC:
        check(client, path, content_type, needle, failures)
    client.request("/comptes/connexion/")
    _, _, body, final_url = client.request(
        "/comptes/connexion/",
        {"username": CHEF[0], "password": CHEF[1], "csrfmiddlewaretoken": client.csrf(), "next": "/dossiers/"},
    )
    match = re.search(rb'href="/dossiers/(\d+)/"', body)
    if not final_url.startswith("/dossiers/") or not match:
        print("Échec : connexion du compte de démonstration impossible.")
        return 1
    dossier = f"/dossiers/{match.group(1).decode()}"
    for path, content_type, needle in PAGES:
        check(client, path.format(d=dossier), content_type, needle, failures)
    check(client, "/territoires/communes/recherche/?q=Langres", "text/html", "Langres", failures)
    # Generated files go through WeasyPrint and python-docx: one fiche action's PDF and DOCX.
    plan = check(client, f"{dossier}/plan-action/", "text/html", None, failures) or b""
    fiche = re.search(rb'href="(/dossiers/\d+/plan-action/fiches/\d+/)"', plan)
    if fiche is None:
        failures.append("aucune fiche action dans le plan de démonstration")
    else:
        fiche = fiche.group(1).decode()
        check(client, fiche + "fiche.pdf", "application/pdf", "%PDF", failures)
        check(client, fiche + "fiche.docx", "application/vnd.openxmlformats", None, failures)
    if failures:
        print("Échecs avec les seules dépendances de production :\n  " + "\n  ".join(failures))
        return 1
    print(f"{len(PUBLIC) + len(PAGES) + 4} pages et fichiers servis avec les seules dépendances de production.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
