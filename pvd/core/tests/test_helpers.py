"""The shared helpers of the views: CSV cells, protected downloads, deletions, ValidationErrors."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import RequestFactory

from pvd.core.csv_export import csv_cell
from pvd.core.downloads import protected_download
from pvd.core.forms import BaseForm, apply_validation_error, report_validation_error, validation_message
from pvd.core.views import delete_view


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Halle = marché", "Halle = marché"),
        ("", ""),
        (-12.5, -12.5),
        (3, 3),
        (None, None),
    ],
)
def test_csv_cell_neutralises_formulas_only(value, expected):
    assert csv_cell(value) == expected


def _stored(tmp_path, name, content=b""):
    storage = FileSystemStorage(location=tmp_path)
    if content:
        storage.save(name, ContentFile(content))
    field = FileField(storage=storage)
    return FieldFile(instance=None, field=field, name=name)


@pytest.mark.django_db  # closing a response sends request_finished (closes connections)
def test_protected_download_headers(tmp_path):
    response = protected_download(_stored(tmp_path, "piece.pdf", b"%PDF-1.4"), filename="Délibération.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''D%C3%A9lib%C3%A9ration.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    response.close()


@pytest.mark.django_db  # closing a response sends request_finished (closes connections)
def test_protected_download_given_content_type(tmp_path):
    response = protected_download(
        _stored(tmp_path, "a.bin", b"x"), filename="carte.geojson", content_type="application/geo+json"
    )
    assert response["Content-Type"] == "application/geo+json"
    response.close()


def test_protected_download_of_a_missing_file_is_a_404(tmp_path):
    with pytest.raises(Http404):
        protected_download(_stored(tmp_path, "absent.pdf"), filename="absent.pdf")


def _request(method="post"):
    request = getattr(RequestFactory(), method)("/")
    request._messages = CookieStorage(request)
    return request


def _texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_validation_error_without_a_form_is_one_french_message():
    request = _request()
    report_validation_error(request, ValidationError(["Première raison.", "Seconde raison."]))
    assert _texts(request) == [("error", "Première raison. Seconde raison.")]
    assert validation_message(ValidationError({"titre": ["Titre manquant."]})) == "Titre manquant."


def test_validation_error_on_a_form_goes_to_its_field_or_the_form():
    class Form(BaseForm):
        from django import forms

        titre = forms.CharField(required=False)

    form = Form({"titre": "x"})
    assert form.is_valid()
    apply_validation_error(form, ValidationError({"titre": ["Déjà pris."], "autre": ["Refusé."]}))
    assert form.errors == {"titre": ["Déjà pris."], "__all__": ["Refusé."]}


def test_delete_view_get_shows_the_confirmation_page(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"confirm.html": "{{ consequence }}"})]},
        }
    ]
    request = _request("get")
    response = delete_view(
        request,
        delete=lambda: pytest.fail("a GET deletes nothing"),
        message="Supprimé.",
        done="/liste/",
        confirm=lambda: {"consequence": "Rien d'autre."},
        template="confirm.html",
    )
    assert response.status_code == 200
    assert response.content.decode() == "Rien d&#x27;autre."


def test_delete_view_without_confirmation_takes_only_post():
    deleted = []
    response = delete_view(_request("get"), delete=lambda: deleted.append(1), message="x", done="/")
    assert response.status_code == 405 and not deleted


def test_delete_view_post_deletes_and_redirects_with_a_message():
    deleted = []
    request = _request()
    response = delete_view(request, delete=lambda: deleted.append(1), message="La note a été supprimée.", done="/f/")
    assert (response.status_code, response["Location"], deleted) == (302, "/f/", [1])
    assert _texts(request) == [("success", "La note a été supprimée.")]


def test_delete_view_refused_by_the_service_shows_why():
    def refuse():
        raise ValidationError("Le comité de projet a déjà décidé : la fiche ne peut plus être supprimée.")

    request = _request()
    response = delete_view(request, delete=refuse, message="x", done="/liste/", error_url="/fiche/")
    assert (response.status_code, response["Location"]) == (302, "/fiche/")
    assert _texts(request) == [("error", "Le comité de projet a déjà décidé : la fiche ne peut plus être supprimée.")]
