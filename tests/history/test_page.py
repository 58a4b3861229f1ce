"""The history page: what each row shows, filters, search, pages, htmx fragments, escaping."""

import re
from datetime import timedelta

import pytest

from crmupdate.history.filters import STATUS_GROUPS
from crmupdate.massupdate.models import UpdateStatus
from tests.history.conftest import T0, add_update, add_updates, change
from tests.massupdate.conftest import make_member

pytestmark = pytest.mark.django_db

HTMX_TABLE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "history-results"}


def rows_of(html: str) -> list[int]:
    """The update ids of the table's rows, top to bottom."""
    return [int(pk) for pk in re.findall(r'<tr id="update-(\d+)"', html)]


def get(client, url="/history/", **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_it_requires_sign_in(client):
    response = client.get("/history/?status=refused")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=/history/")


def test_it_shows_every_column_of_an_update(sam_client, sam):
    update = add_update(
        sam,
        changes=[change("Lead Status", "Contacted"), change("Rating", "Hot")],
        job_ids="738964000002152104 738964000002152199",
        status=UpdateStatus.COMPLETED_WITH_FAILURES,
        total_count=600, updated_count=596, failed_count=4,
        last_error_code="RECORD_LOCKED",
        last_error_explanation="Some records are locked in Zoho.",
    )  # fmt: skip
    html = get(sam_client)

    row = html[html.index(f'id="update-{update.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="/updates/{update.pk}/"' in row
    assert '<time datetime="2026-03-10T09:00:00+00:00">10 Mar 2026, 09:00</time>' in row
    assert '<td data-label="Who"><span translate="no">Sam Ops</span></td>' in row
    assert '<td data-label="Module"><span translate="no">Leads</span></td>' in row
    assert "All Leads" in row
    assert "<li>Lead Status → Contacted</li><li>Rating → Hot</li>" in row
    assert '<code class="job-id">738964000002152104</code>' in row
    assert '<code class="job-id">738964000002152199</code>' in row
    assert "Completed with failures" in row
    assert "596 / 4 / 600" in row
    error = '<code class="error-code">RECORD_LOCKED</code></span> Some records are locked in Zoho.'
    assert error in row
    assert "<progress" not in row  # finished: no progress bar, no polling
    assert "hx-trigger" not in row


def test_times_are_in_the_viewers_time_zone(sam_client, sam):
    sam.time_zone = "America/Chicago"
    sam.save()
    add_update(sam)
    assert "10 Mar 2026, 04:00" in get(sam_client)


def test_running_updates_show_progress_and_refresh_themselves(sam_client, sam):
    running = add_update(sam, status=UpdateStatus.RUNNING, total_count=300, updated_count=120,
                         failed_count=0)  # fmt: skip
    html = get(sam_client)
    row = html[html.index(f'id="update-{running.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'hx-get="/history/rows/{running.pk}/"' in row and 'hx-trigger="every 3s"' in row
    assert '<progress max="300" value="120"' in row

    running.status, running.updated_count = UpdateStatus.COMPLETED, 300
    running.save()
    fragment = get(sam_client, f"/history/rows/{running.pk}/", HTTP_HX_REQUEST="true")
    assert fragment.strip().startswith(f'<tr id="update-{running.pk}"')
    assert "Completed" in fragment and "300 / 0 / 300" in fragment
    assert "hx-trigger" not in fragment and "<progress" not in fragment  # polling stops


def test_newest_first(sam_client, sam):
    updates = add_updates(sam, 5)
    assert rows_of(get(sam_client)) == [u.pk for u in reversed(updates)]


@pytest.mark.parametrize("group", list(STATUS_GROUPS))
def test_it_filters_by_each_status(sam_client, sam, group):
    by_status = {
        status: add_update(sam, status=status, created_at=T0 + timedelta(minutes=i))
        for i, status in enumerate(UpdateStatus.values)
    }
    html = get(sam_client, f"/history/?status={group}")
    expected = {by_status[s].pk for s in STATUS_GROUPS[group][1]}
    assert set(rows_of(html)) == expected
    assert f'<option value="{group}" selected>' in html


def test_it_filters_by_module_and_person(sam_client, sam, pat):
    lead = add_update(sam)
    deal = add_update(sam, module_api_name="Deals", module_label="Deals")
    pats = add_update(pat, module_api_name="Deals", module_label="Deals")
    html = get(sam_client)
    assert '<option value="Deals" translate="no">Deals</option>' in html
    assert '<option value="Leads" translate="no">Leads</option>' in html
    assert f'<option value="{pat.user_id}" translate="no">Patricia Boyle</option>' in html

    assert set(rows_of(get(sam_client, "/history/?module=Deals"))) == {deal.pk, pats.pk}
    assert rows_of(get(sam_client, f"/history/?module=Deals&person={pat.user_id}")) == [pats.pk]
    assert rows_of(get(sam_client, f"/history/?person={sam.user_id}&module=Leads")) == [lead.pk]


def test_the_date_range_is_whole_days_in_the_viewers_zone(sam_client, sam):
    sam.time_zone = "Europe/Berlin"
    sam.save()
    before = add_update(sam, created_at=T0.replace(day=8, hour=22, minute=59))  # 23:59 on 8th
    first = add_update(sam, created_at=T0.replace(day=8, hour=23, minute=0))  # 00:00 on 9th
    last = add_update(sam, created_at=T0.replace(day=10, hour=22, minute=59))  # 23:59 on 10th
    after = add_update(sam, created_at=T0.replace(day=10, hour=23, minute=0))  # 00:00 on 11th
    html = get(sam_client, "/history/?since=2026-03-09&until=2026-03-10")
    assert rows_of(html) == [last.pk, first.pk]
    assert rows_of(get(sam_client, "/history/?since=2026-03-11")) == [after.pk]
    assert rows_of(get(sam_client, "/history/?until=2026-03-08")) == [before.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("738964000002152104", "job"),  # a whole job id
        ("2152104", "job"),  # part of one
        ("open leads", "view"),  # view name, any case, words in any order
        ("leads open", "view"),
        ("Rating", "field"),  # a field's label
        ("No. of Employees", "field2"),
    ],
)
def test_search_looks_in_job_ids_view_names_and_field_labels(sam_client, sam, query, expected):
    made = {
        "job": add_update(sam, job_ids="738964000000000001 738964000002152104"),
        "view": add_update(sam, view_name="Open Leads", job_ids="1"),
        "field": add_update(sam, changes=[change("Rating", "Hot")], job_ids="2"),
        "field2": add_update(sam, changes=[change("No. of Employees", "1,000")], job_ids="3"),
    }
    html = get(sam_client, "/history/?" + f"q={query.replace(' ', '+')}")
    assert rows_of(html) == [made[expected].pk]


def test_search_wildcards_are_taken_literally(sam_client, sam):
    percent = add_update(sam, view_name="Discount 50% leads")
    add_update(sam, view_name="Discount 50 leads")
    add_update(sam, view_name="All_Leads")
    assert rows_of(get(sam_client, "/history/?q=50%25")) == [percent.pk]
    assert rows_of(get(sam_client, "/history/?q=l_ad")) == []


def test_short_search_words_are_left_out_with_a_note(sam_client, sam):
    add_update(sam, view_name="Open Leads")
    html = get(sam_client, "/history/?q=Open+of+a")
    assert len(rows_of(html)) == 1
    assert (
        'Words shorter than 3 characters are left out of the search: <span translate="no">of, a'
        "</span>." in html
    )


def test_bad_filter_values_get_a_message_not_an_error(sam_client, sam):
    update = add_update(sam)
    html = get(sam_client, "/history/?since=yesterday&person=bob&status=lost&before=nonsense")
    assert rows_of(html) == [update.pk]  # what could not be read is left out
    assert "Enter a valid date." in html
    assert "Enter a whole number." in html
    assert "Select a valid choice." in html
    assert "This page link is not valid" in html
    html = get(sam_client, "/history/?since=2026-03-11&until=2026-03-01")
    assert "The end date is before the start date." in html


def test_pages_walk_every_matching_row_once_and_keep_the_filters(sam_client, sam, pat):
    mine = add_updates(sam, 60, status=UpdateStatus.REFUSED)
    add_updates(pat, 10, status=UpdateStatus.REFUSED)  # same times, other person
    add_updates(sam, 10, status=UpdateStatus.COMPLETED)
    url = f"/history/?status=refused&person={sam.user_id}"
    seen, pages = [], []
    while url:
        html = get(sam_client, url)
        pages.append(rows_of(html))
        seen += pages[-1]
        older = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/history/" + older.group(1).replace("&amp;", "&") if older else None
        if url:
            assert "status=refused" in url and f"person={sam.user_id}" in url
    assert seen == [u.pk for u in reversed(mine)]
    assert [len(p) for p in pages] == [25, 25, 10]

    # and back: "Newer" from the last page shows the page before it
    newer = re.search(r'<a rel="prev" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "status=refused" in newer
    assert rows_of(get(sam_client, "/history/" + newer)) == pages[1]
    newest = re.search(r'<a href="([^"]+)"[^>]*>« Newest', html).group(1).replace("&amp;", "&")
    assert rows_of(get(sam_client, "/history/" + newest)) == pages[0]


def test_ties_in_time_are_paged_by_id(sam_client, sam):
    same_time = [add_update(sam, created_at=T0) for _ in range(30)]
    first = get(sam_client)
    older = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = get(sam_client, "/history/" + older)
    assert rows_of(first) + rows_of(second) == [u.pk for u in reversed(same_time)]


def test_htmx_gets_only_the_table_and_caches_keep_them_apart(sam_client, sam):
    add_update(sam)
    response = sam_client.get("/history/?status=completed", **HTMX_TABLE)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="history-results"')
    assert "<html" not in html and 'id="history-filters"' not in html
    assert "HX-Request" in response["Vary"]
    full = get(sam_client, "/history/?status=completed")
    assert "<html" in full and 'id="history-filters"' in full
    # the back button after the page cache was emptied: htmx asks for the whole page
    restore = get(sam_client, "/history/?status=completed",
                  **HTMX_TABLE, HTTP_HX_HISTORY_RESTORE_REQUEST="true")  # fmt: skip
    assert "<html" in restore


def test_the_form_is_a_plain_get_form_that_htmx_enhances(sam_client, sam):
    html = get(sam_client, "/history/?q=Leads&status=refused")
    form = html[html.index('<form id="history-filters"') :]
    form = form[: form.index(">") + 1]
    assert 'method="get" action="/history/"' in form
    assert 'hx-get="/history/"' in form and 'hx-push-url="true"' in form
    assert 'hx-target="#history-results"' in form
    assert 'value="Leads"' in html
    for name in ("q", "module", "person", "status", "since", "until"):
        assert re.search(rf'<label for="history-{name if name != "q" else "q"}">', html)


def test_the_count_is_loaded_separately_and_capped(sam_client, sam, settings, monkeypatch):
    add_updates(sam, 3, status=UpdateStatus.REFUSED)
    add_updates(sam, 2)
    html = get(sam_client, "/history/?status=refused")
    assert 'hx-get="/history/count/?status=refused"' in html
    assert 'hx-trigger="load"' in html
    fragment = get(sam_client, "/history/count/?status=refused", HTTP_HX_REQUEST="true")
    assert fragment == '<span id="history-count">3 updates match.</span>'
    page = get(sam_client, "/history/count/?status=refused")  # without JavaScript: a page
    assert "3 updates match." in page and 'href="/history/?status=refused"' in page

    from crmupdate.history import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    fragment = get(sam_client, "/history/count/", HTTP_HX_REQUEST="true")
    assert "More than 4 updates match." in fragment


def test_values_with_html_are_escaped(sam_client, sam):
    add_update(
        sam,
        view_name="<script>alert('view')</script>",
        changes=[change("<b>Label</b>", "<img src=x onerror=alert(1)>")],
        created_by_name="<i>Sam</i>",
        last_error_code="<CODE>",
        last_error_explanation="<a href='x'>click</a>",
        status=UpdateStatus.FAILED,
    )
    html = get(sam_client)
    for raw in ("<script>alert", "<b>Label", "<img src=x", "<i>Sam", "<CODE>", "<a href='x'>"):
        assert raw not in html
    assert "&lt;script&gt;alert(&#x27;view&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Label&lt;/b&gt; → &lt;img src=x onerror=alert(1)&gt;" in html


def test_an_empty_history_says_so(sam_client, sam):
    assert "Your team has not run any mass update yet." in get(sam_client)
    add_update(sam)
    assert "No update matches these filters." in get(sam_client, "/history/?q=nothing-like-it")


def test_the_nav_links_to_the_history(sam_client, sam):
    assert '<a href="/history/">History</a>' in get(sam_client, "/account/")


def test_the_floor_page_exists_only_for_the_benchmark(sam_client, sam, settings):
    settings.DEBUG = False
    assert sam_client.get("/history/_floor").status_code == 404
    settings.BENCH = True
    assert "Signed in." in get(sam_client, "/history/_floor")


def test_filter_options_are_kept_a_minute_but_never_lack_what_the_table_shows(
    sam_client, sam, pat, monkeypatch
):
    from crmupdate.history import options

    add_update(sam)
    html = get(sam_client)
    assert '<option value="Leads" translate="no">Leads</option>' in html
    assert f'<option value="{pat.user_id}" translate="no">' in html

    # A colleague joins: listed once the kept options are a minute old.
    newcomer = make_member(email="nina.new@zylker.example", org_id="org-zylker")
    assert f'<option value="{newcomer.user_id}"' not in get(sam_client)
    now = options.time.time()
    monkeypatch.setattr(options.time, "time", lambda: now + options.OPTIONS_SECONDS + 1)
    assert f'<option value="{newcomer.user_id}" translate="no">Nina New</option>' in get(sam_client)

    # An update on a module the options do not know yet: listed at once.
    add_update(pat, module_api_name="Deals", module_label="Deals", created_at=T0.replace(day=11))
    assert '<option value="Deals" translate="no">Deals</option>' in get(sam_client)


def test_kept_filter_options_belong_to_the_team_they_were_read_for(sam_client, sam, gary):
    from crmupdate.history.options import SESSION_KEY

    add_update(sam)
    get(sam_client)
    session = sam_client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "team": gary.team.pk, "modules": [["X", "Y"]]}
    session.save()
    html = get(sam_client)
    assert '<option value="X"' not in html
    assert '<option value="Leads" translate="no">Leads</option>' in html


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    "query",
    [
        "until=9999-12-31",
        "since=9999-12-31",
        "since=0001-01-01",
        "since=0001-01-01&until=0001-01-01",
        "before=9999-12-31T23:59:59.999999Z~9223372036854775807",
        "after=9999-12-31T23:59:59.999999Z~9223372036854775807",
        "before=0001-01-01T00:00:00Z~1",
        "after=0001-01-01T00:00:00Z~0",
        "after=0001-01-01T00:00:00%2B14:00~5",  # before the calendar in UTC
        "before=9999-12-31T23:59:59-12:00~5",  # after it
        "before=2026-03-10T09:00:00Z~9223372036854775808",  # past the largest id: said
        "before=2026-03-10T09:00:00Z~99999999999999999999",  # said
        "person=9223372036854775808",  # said
        "person=-1",  # said
        "q=%00",  # said
        "module=Leads%00",  # said
        "before=%00",  # said
    ],
)
def test_extreme_and_malformed_values_give_a_page_never_a_server_error(
    sam_client, sam, query, zone
):
    sam.time_zone = zone
    sam.save()
    update = add_update(sam)
    for headers in ({}, HTMX_TABLE):
        response = sam_client.get(f"/history/?{query}", **headers)
        html = response.content.decode()
        if query.endswith("%00"):  # refused for every page before any view runs
            assert response.status_code == 400
            assert "That request could not be understood" in html
            continue
        assert response.status_code == 200, html[:300]
        shown = rows_of(html)
        assert shown in ([], [update.pk])
        if query.endswith(("808", "999", "-1")):
            assert 'class="errorlist history-errors"' in html  # said, not ignored silently
    count = sam_client.get(f"/history/count/?{query}", HTTP_HX_REQUEST="true")
    assert count.status_code == (400 if query.endswith("%00") else 200)


def test_a_page_deep_in_time_links_to_the_pages_around_it(sam_client, sam):
    from crmupdate.history.cursors import Cursor, cursor_parse

    first = Cursor(created_at=T0.replace(year=1), pk=3)
    assert first.encode() == "0001-03-10T09:00:00.000000Z~3"
    assert cursor_parse(first.encode()) == first


@pytest.mark.parametrize("pk", ["9223372036854775808", "99999999999999999999999", "0"])
def test_huge_or_zero_ids_are_not_found(sam_client, sam, pk):
    assert sam_client.get(f"/history/rows/{pk}/").status_code == 404
    for url in ("undo/", "undo/status/", "undo/results.csv", "undo/results.xlsx"):
        assert sam_client.get(f"/updates/{pk}/{url}").status_code == 404, url
