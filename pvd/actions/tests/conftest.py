import pytest

from tests import utils


@pytest.fixture
def main():
    return utils.main


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
