"""Deterministic demo records: the values of record `i` of a module depend only on the
organisation, the module and `i`, so a smaller test scale is a prefix of the full demo data
and the synthetic over-50,000 view can produce any of its records on demand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from crmupdate.zohosim.demo.catalog import LEAD_SOURCES, LEAD_STATUSES, ModuleSpec
from crmupdate.zohosim.demo.fields import FieldSpec
from crmupdate.zohosim.demo.states import OPEN_STAGE, REFUSING_DEALS

FIRST_NAMES = (
    "Ava",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kira",
    "Luis",
    "Mei",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xin",
    "Yara",
    "Zane",
)
LAST_NAMES = (
    "Abbott",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Underwood",
    "Varga",
    "Whitfield",
    "Yilmaz",
)
COMPANY_WORDS = (
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Keystone",
    "Lumen",
    "Maple",
    "Northwind",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidewater",
)
COMPANY_KINDS = (
    "Logistics",
    "Foods",
    "Motors",
    "Labs",
    "Textiles",
    "Systems",
    "Supply",
    "Hardware",
    "Health",
    "Energy",
)
COMPANY_SUFFIXES = ("Inc.", "LLC", "Ltd.", "Group", "Co.")
CITIES = (
    "Houston",
    "San Francisco",
    "Chicago",
    "Austin",
    "Denver",
    "Seattle",
    "Boston",
    "Atlanta",
    "Phoenix",
    "Portland",
)
COUNTRIES = ("United States", "Canada", "Mexico", "United Kingdom", "Germany")
TITLES = (
    "Purchasing Manager",
    "Operations Lead",
    "CFO",
    "Store Manager",
    "Buyer",
    "Facilities Director",
    "Owner",
)
DEPARTMENTS = ("Purchasing", "Operations", "Finance", "Sales", "Logistics")
SENTENCES = (
    "Met at the spring expo; wants a quote for the new range.",
    "Prefers email. Follow up after the budget review.",
    "Existing customer of a competitor; contract ends this year.",
    "Asked about volume discounts and delivery times.",
)

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class GenContext:
    prefix: int
    users: list[dict[str, str]]  # active users' {"name", "id"}, owners rotate through them
    creator: dict[str, str]
    layout: dict[str, str]
    account_refs: list[dict[str, str]]  # {"name", "id"} of the org's accounts, by index


def company_name(prefix: int, i: int) -> str:
    rng = random.Random(f"{prefix}:company:{i}")
    return (
        f"{COMPANY_WORDS[i % len(COMPANY_WORDS)]} {rng.choice(COMPANY_KINDS)} "
        f"{rng.choice(COMPANY_SUFFIXES)}"
    )


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _picklist(spec: FieldSpec, rng: random.Random) -> str | None:
    values = [c if isinstance(c, str) else c[1] for c in spec.choices]
    return rng.choice(values) if rng.random() < 0.85 else None


def _by_type(spec: FieldSpec, rng: random.Random, i: int) -> Any:
    kind = spec.data_type
    if kind == "picklist":
        return _picklist(spec, rng)
    if kind == "multiselectpicklist":
        values = [c if isinstance(c, str) else c[1] for c in spec.choices]
        return rng.sample(values, rng.randint(0, 2))
    if kind == "integer":
        return rng.randint(0, 1000)
    if kind == "currency":
        return float(rng.randrange(1_000, 500_000, 250))
    if kind == "percent":
        return float(rng.randrange(0, 100, 5))
    if kind == "double":
        return round(rng.uniform(0, 100), spec.decimals if spec.decimals is not None else 2)
    if kind == "boolean":
        return i % 3 == 0
    if kind == "date":
        return (date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat()
    if kind == "datetime":
        return iso(BASE_TIME + timedelta(minutes=rng.randint(0, 900_000)))
    return None


def record_values(module: ModuleSpec, i: int, ctx: GenContext) -> dict[str, Any]:
    """The field values of record `i` (None values are left out)."""
    rng = random.Random(f"{ctx.prefix}:{module.api_name}:{i}")
    first = FIRST_NAMES[i % len(FIRST_NAMES)]
    last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    company = company_name(ctx.prefix, i)
    slug = company.split()[0].lower() + company.split()[1].lower()
    created = BASE_TIME + timedelta(minutes=37 * i)
    gens: dict[str, Any] = {
        "first_name": first,
        "last_name": f"{last}" if i < 600 else f"{last} {i}",
        "company": company,
        "title": rng.choice(TITLES),
        "department": rng.choice(DEPARTMENTS),
        "email": f"{first.lower()}.{last.lower()}{i}@{slug}.example",
        "phone": f"+1 555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "website": f"https://www.{slug}.example",
        "street": f"{rng.randint(1, 9999)} {rng.choice(COMPANY_WORDS)} Street",
        "city": rng.choice(CITIES),
        "country": rng.choice(COUNTRIES),
        "sentence": rng.choice(SENTENCES) if rng.random() < 0.6 else None,
        "employees": rng.randint(1, 5000),
        "revenue": float(rng.randrange(50_000, 20_000_000, 5_000)),
        "amount": float(rng.randrange(500, 250_000, 50)),
        "small_int": rng.randint(1, 40),
        "birthday": (date(1960, 1, 1) + timedelta(days=rng.randint(0, 14_000))).isoformat(),
        "account_number": f"ZA-{10_000 + i}",
        "deal_name": f"{company} - {rng.choice(('Renewal', 'Expansion', 'New order', 'Pilot'))}",
        "shipment_name": f"SHP-{2024_0000 + i}",
        "autonumber": None,  # filled below with the field's prefix
        "owner": ctx.users[i % len(ctx.users)],
        # One lead in fifty has been converted (Zoho keeps converted leads, flagged).
        "converted": i % 50 == 7,
        "converted_time": iso(created + timedelta(days=3)) if i % 50 == 7 else None,
        "record_status": "Available",
        "creator": ctx.creator,
        "created_time": iso(created),
        "layout": ctx.layout,
        "account": ctx.account_refs[i % len(ctx.account_refs)] if ctx.account_refs else None,
        # Index-driven values for the named views, so their size is predictable:
        # about one lead in six comes from a trade show; no lead starts as junk.
        "lead_source": "Trade Show"
        if i % 12 in (3, 8)
        else rng.choice([s for s in LEAD_SOURCES if s != "Trade Show"]),
        "lead_status": "Not Contacted"
        if i % 4 == 1
        else rng.choice([s for s in LEAD_STATUSES if s not in ("Junk Lead", "Not Contacted")]),
        "stage": rng.choice(
            (
                "Qualification",
                "Needs Analysis",
                "Proposal/Price Quote",
                "Negotiation/Review",
                "Closed Won",
                "Closed Lost",
            )
        ),
        "priority": rng.choice(("Low", "Normal", "High")),
        "contact_type": rng.choice(("VIP_CUSTOMER", "CUSTOMER", "CUSTOMER", "PARTNER")),
        "payment_terms": rng.choice(("NET30", "NET60", "PREPAID")),
        "shipment_status": rng.choice(("Pending", "In Transit", "In Transit", "Delivered")),
    }
    if module.api_name == "Deals" and i in REFUSING_DEALS:
        gens["stage"] = OPEN_STAGE
    values: dict[str, Any] = {}
    for spec in module.fields:
        if spec.gen == "none" or spec.api_name == "id":
            continue
        if spec.gen == "autonumber":
            value: Any = f"{spec.extra.get('prefix', '')}{i + 1}"
        elif spec.gen:
            value = gens[spec.gen]
        else:
            value = _by_type(spec, rng, i)
        if value is not None:
            values[spec.api_name] = value
    return values
