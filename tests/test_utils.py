"""The shared test helpers catch what they are there to catch."""

import pytest

from pvd.comptes.models import User
from pvd.comptes.tests.factories import UserFactory
from tests.utils import assert_queries_do_not_grow, normalise_html, normalise_sql, refusal_status


@pytest.mark.parametrize(
    ("kind", "hidden", "status"),
    [("anonymous", False, 302), ("outsider", False, 404), ("prefecture_autre", False, 404), ("lecteur", False, 403)]
    + [("lecteur", True, 404), ("anonymous", True, 302)],
)
def test_refusal_status_per_viewer(kind, hidden, status):
    assert refusal_status(kind, hidden=hidden) == status


def test_query_growth_is_caught(db):
    UserFactory()
    with pytest.raises(AssertionError, match="2 requêtes, puis 3"):
        assert_queries_do_not_grow(
            lambda: [User.objects.get(pk=u.pk) for u in User.objects.all()],
            grow=lambda: UserFactory.create_batch(1),
        )
    assert_queries_do_not_grow(lambda: list(User.objects.all()), grow=lambda: UserFactory.create_batch(3))


def test_sql_reads_the_same_on_both_databases():
    sqlite = (
        'SELECT "t"."id" FROM "t" WHERE ("t"."nom" LIKE \'%a%\' ESCAPE \'\\\' AND "t"."d" > \'2025-06-02\' '
        'AND "t"."id" IN (1, 2, 3)) GROUP BY "t"."id", "t"."nom" LIMIT 21'
    )
    postgres = (
        'DECLARE _django_curs_1_sync_3 NO SCROLL CURSOR WITH HOLD FOR SELECT "t"."id" FROM "t" WHERE '
        '(UPPER("t"."nom"::text) LIKE UPPER(\'%a%\') AND "t"."d" > \'2025-06-02\'::timestamp with time zone '
        'AND "t"."id" IN (7)) GROUP BY "t"."id" LIMIT 21'
    )
    assert normalise_sql([sqlite]) == normalise_sql([postgres])
    assert (
        normalise_sql([sqlite])
        == "SELECT t.id FROM t WHERE (t.nom ILIKE ? AND t.d > ? AND t.id IN (…)) GROUP BY t.id LIMIT ?\n"
    )


def test_html_masks_keys_and_tokens_not_classes():
    html = '<a class="fr-col-12" href="/dossiers/42/"><input name="csrfmiddlewaretoken" value="abc">n° 3</a>'
    assert [line.strip() for line in normalise_html(html).splitlines()] == [
        '<a class="fr-col-12" href="/dossiers/N/">',
        '<input name="csrfmiddlewaretoken" value="CSRF"/>',
        "n° 3",
        "</a>",
    ]
