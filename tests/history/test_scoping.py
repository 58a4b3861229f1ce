"""Only the signed-in person's team: in the page, the table fragment, rows, the count and the CSV.
And a page costs the same number of queries at 10 and at 10,000 rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crmupdate.history.seeding import history_seed, people_ensure
from crmupdate.massupdate.models import UpdateStatus
from tests.history.conftest import add_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def globex_update(gary):
    return add_update(
        gary,
        view_name="Globex secret view",
        job_ids="612200000009999999",
        module_api_name="Globex_Projects",
        module_label="Globex Projects",
        status=UpdateStatus.REFUSED,
        last_error_code="NO_PERMISSION",
    )


def test_another_teams_updates_never_appear(sam_client, sam, gary, globex_update, client_for):
    mine = add_update(sam, status=UpdateStatus.REFUSED)
    # (the search box echoes what was typed, so the job id is looked for where rows show it)
    secrets = (
        "Globex secret view",
        "Globex Projects",
        "Gary Globex",
        "NO_PERMISSION",
        f'id="update-{globex_update.pk}"',
        '<code class="job-id">612200000009999999',
    )
    for url, headers in [
        ("/history/", {}),
        ("/history/?status=refused", {}),
        ("/history/?q=612200000009999999", {}),
        ("/history/?q=Globex", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "history-results"}),
        (f"/history/?module=Globex_Projects&person={gary.user_id}", {}),
        ("/history/export.csv", {}),
        ("/history/export.csv?q=612200000009999999", {}),
    ]:
        response = sam_client.get(url, **headers)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert response.status_code == 200, url
        for secret in secrets + (("612200000009999999", "Globex") if "csv" in url else ()):
            assert secret not in body, (url, secret)
    assert str(mine.pk) in sam_client.get("/history/").content.decode()
    assert sam_client.get(f"/history/rows/{globex_update.pk}/").status_code == 404
    count = sam_client.get("/history/count/?q=612200000009999999", HTTP_HX_REQUEST="true")
    assert count.content.decode() == '<span id="history-count">0 updates match.</span>'

    # and Gary sees only Globex's
    gary_page = client_for(gary.user).get("/history/").content.decode()
    assert "Globex secret view" in gary_page and f'id="update-{mine.pk}"' not in gary_page


def page_queries(client, url):
    client.get(url)  # warm caches (URL resolvers, templates)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    shown = len(re.findall(r'<tr id="update-', response.content.decode()))
    return len(queries.captured_queries), shown


@pytest.mark.parametrize(
    ("url", "full_page"),
    [
        ("/history/", True),
        ("/history/?status=completed&module=Leads&q=Lead", True),
        ("/history/?q=Contacts+Source&since=2020-01-01&person=1", False),
        ("/history/?q=738964000002152104", False),  # a whole job id: looked up first
    ],
)
def test_a_page_costs_the_same_queries_at_10_and_10000_rows(sam, sam_client, url, full_page):
    people = people_ensure(team=sam.team, count=6)
    history_seed(team=sam.team, people=people, rows=10, seed=3)
    small = page_queries(sam_client, url)
    history_seed(team=sam.team, people=people, rows=9_990, seed=4)
    large = page_queries(sam_client, url)
    assert small[0] == large[0], (small, large)
    assert large[0] <= 6, large  # sign-in (3), rows with their undo cells, a job id look-up
    if full_page:
        assert large[1] == 25  # a full page at 10,000 rows (and so no N+1 over its rows)
