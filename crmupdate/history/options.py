"""The filter form's choices (the team's modules and people), kept in the person's session.

Reading them costs a query (about a millisecond, a fifth of the page); the session is read
for every request anyway. They are read again after `OPTIONS_SECONDS`, and at once when the
page shows a module or a person they do not know yet (someone just ran an update on a new
module), so the form never lacks what the table shows. A person without a name is worded in
the language of the page, so the options are kept per language.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language

from crmupdate.history.rows import HistoryRow
from crmupdate.history.selectors import FilterOptions, history_filter_options

OPTIONS_SECONDS = 60
SESSION_KEY = "history_filter_options"


def filter_options_for(*, session: Any, team: Any, rows: Iterable[HistoryRow]) -> FilterOptions:
    kept = session.get(SESSION_KEY)
    language = get_language()
    if isinstance(kept, dict) and kept.get("team") == team.pk and kept.get("language") == language:
        age = time.time() - float(kept.get("at", 0))
        options = FilterOptions(
            modules=[(str(m[0]), str(m[1])) for m in kept.get("modules", [])],
            people=[(int(p[0]), str(p[1])) for p in kept.get("people", [])],
        )
        modules = {api_name for api_name, _ in options.modules}
        people = {user_id for user_id, _ in options.people}
        if 0 <= age < OPTIONS_SECONDS and all(
            row["module_api_name"] in modules and row["person_id"] in people | {None}
            for row in rows
        ):
            return options
    options = history_filter_options(team=team)
    session[SESSION_KEY] = {
        "team": team.pk,
        "language": language,
        "at": time.time(),
        "modules": options.modules,
        "people": options.people,
    }
    return options
