"""The participation's models in the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from pvd.participation.models import Consultation, Contribution, Moderation, PageParticipation

from .factories import ContributionFactory

pytestmark = pytest.mark.django_db


def test_participation_models_in_the_admin(admin_client):
    for model in (PageParticipation, Consultation, Contribution, Moderation):
        assert admin.site.is_registered(model)
    contribution = ContributionFactory()
    response = admin_client.get(reverse("admin:participation_contribution_change", args=[contribution.pk]))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:participation_contribution_changelist")).status_code == 200
