"""Every label a person reads is in French: the admin's column headers and the forms come from
the fields' verbose names, and Django's default (the field name) is English for these fields."""

from django.apps import apps

# Words of English field names; a field named with them needs a French verbose_name.
ENGLISH_WORDS = {"created", "updated", "accepted", "submitted", "invited", "at", "by", "user", "token", "target"}
ENGLISH_WORDS |= {"search", "text", "id", "name", "date_joined", "last", "login"}


def _project_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("pvd."):
            continue
        for field in model._meta.concrete_fields:
            if field.primary_key or (field.one_to_one and field.remote_field.parent_link):
                continue
            yield model, field


def test_fields_named_in_english_have_a_french_verbose_name():
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model, field in _project_fields()
        if set(field.name.split("_")) & ENGLISH_WORDS and field.verbose_name == field.name.replace("_", " ")
    ]
    assert untranslated == []


# French field names written without their accents: Django's default label would show them so.
UNACCENTED = {"seance", "departement", "region", "corrige", "publiee", "moderee", "reponse", "resultat", "etat"}


def test_fields_named_without_accents_have_an_accented_verbose_name():
    unaccented = [
        f"{model._meta.label}.{field.name}"
        for model, field in _project_fields()
        if set(field.name.split("_")) & UNACCENTED and field.verbose_name == field.name.replace("_", " ")
    ]
    assert unaccented == []


def test_the_check_sees_the_fields_it_is_about():
    """Guard: the fields the review found are among those checked (the test cannot pass empty)."""
    checked = {f"{model._meta.label}.{field.name}" for model, field in _project_fields()}
    assert {
        "gouvernance.Decision.created_at",
        "conventions.Convention.created_at",
        "gouvernance.CalendrierDossier.user",
        "participation.Moderation.by",
        "participation.Moderation.at",
    } <= checked
