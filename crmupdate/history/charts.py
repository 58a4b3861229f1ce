"""Where the dashboard's bars go: the geometry of its SVG charts, from the figures of
`crmupdate.history.stats`. The markup is in templates/dashboard/team_work.html; this module only
works out sizes, positions and the history link of each bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from crmupdate.history.stats import Busiest, WeekFigures

# The weekly charts' drawing area (SVG user units; the SVG scales to its box).
WIDTH = 360
TOP = 16  # room for the scale's label
BASE = 128  # the bars' baseline
LABEL_Y = 146
SLOT_FILL = 0.7  # a bar's share of its slot
# The horizontal ("busiest") charts: one row per item.
ROW_HEIGHT = 34
ROW_TEXT = 12  # the baseline of the item's name, above its bar
ROW_BAR = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | None  # None: nothing to show (e.g. no rate without finished updates)
    url: str
    label: str = ""  # a busiest chart's item
    note: str = ""  # and what it belongs to (a view's module)
    day: dt.date | None = None  # a weekly chart's Monday
    tick: bool = False  # the week's date is written under this bar
    text_y: float = 0
    records: int = 0  # a busiest chart's item: records its updates changed

    @property
    def end_x(self) -> float:
        return round(self.x + self.width, 2)


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    scale: int  # the value at the top of the drawing area
    width: int = WIDTH
    height: int = LABEL_Y + 6


def history_url(**filters: Any) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    base = reverse("history:list")
    return f"{base}?{query}" if query else base


def week_url(week: WeekFigures, **more: Any) -> str:
    return history_url(since=week.start.isoformat(), until=week.end.isoformat(), **more)


def _scale(top: int) -> int:
    """A round number at or above `top` (1, 2, 5, 10, 20, 50...)."""
    if top <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= top:
                return step * factor
        step *= 10


def weekly_chart(
    weeks: list[WeekFigures],
    value: Callable[[WeekFigures], int | None],
    *,
    percent: bool = False,
    **link: Any,
) -> Chart:
    """One bar a week; `link`: more history filters for the bars' links."""
    values = [value(w) for w in weeks]
    scale = 100 if percent else _scale(max((v or 0 for v in values), default=0))
    slot = WIDTH / max(1, len(weeks))
    bars = []
    for n, (week, v) in enumerate(zip(weeks, values, strict=True)):
        height = (BASE - TOP) * (v or 0) / scale
        bars.append(
            Bar(
                x=round(n * slot + slot * (1 - SLOT_FILL) / 2, 2),
                y=round(BASE - height, 2),
                width=round(slot * SLOT_FILL, 2),
                height=round(height, 2),
                value=v,
                day=week.start,
                url=week_url(week, **link),
                tick=(len(weeks) - 1 - n) % 3 == 0,  # the latest week and every third before
            )
        )
    return Chart(bars=bars, scale=scale)


def busiest_chart(items: list[Busiest]) -> Chart:
    scale = _scale(max((i.updates for i in items), default=0))
    bars = [
        Bar(
            x=0,
            y=n * ROW_HEIGHT + ROW_TEXT + 4,
            width=max(2, round(WIDTH * i.updates / scale, 2)),
            height=ROW_BAR,
            value=i.updates,
            label=i.label,
            url=history_url(**i.filters) if i.filters else "",
            text_y=n * ROW_HEIGHT + ROW_TEXT,
            records=i.records_changed,
            note=i.note,
        )
        for n, i in enumerate(items)
    ]
    return Chart(bars=bars, scale=scale, height=max(1, len(items)) * ROW_HEIGHT)
