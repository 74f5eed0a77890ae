import pytest
from bs4 import BeautifulSoup


@pytest.fixture
def main():
    def parse(response):
        return BeautifulSoup(response.content, "html.parser").select_one("#content")

    return parse
