"""The demo organisations and their users.

Zylker Traders uses the id prefix of the seed (738964...), so the seed's custom view id
738964000000091563 is Zylker's "All Leads" view and the seed replays unchanged. Globex is a
second, smaller organisation for cross-team tests.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN = "Administrator"
SALES_OPS = "Sales Operations"
SALES_REP = "Sales Rep"

# Profile name -> (id tail, may mass update).
PROFILES = {ADMIN: (26011, True), SALES_OPS: (26014, True), SALES_REP: (26017, False)}
ROLES = {"CEO": 26005, "Sales Operations Manager": 26008, "Sales Representative": 26009}


@dataclass(frozen=True)
class UserSpec:
    email: str
    first_name: str
    last_name: str
    profile: str
    role: str
    zuid: int
    id_tail: int
    time_zone: str
    status: str = "active"
    # Zoho's locale for the user (language_country): the app speaks Spanish to "es_ES".
    locale: str = "en_US"


@dataclass(frozen=True)
class OrgSpec:
    company_name: str
    prefix: int
    zgid: str
    time_zone: str
    phone: str
    website: str
    users: tuple[UserSpec, ...]
    # Scale factor applied to every module's record count.
    record_factor: float = 1.0

    @property
    def zoho_id(self) -> str:
        return f"{self.prefix}{20005:012d}"


ZYLKER = OrgSpec(
    company_name="Zylker Traders",
    prefix=738964,
    zgid="70012000",
    time_zone="America/Los_Angeles",
    phone="+1 555 0100 200",
    website="https://www.zylker.example",
    users=(
        UserSpec(
            "patricia.boyle@zylker.example",
            "Patricia",
            "Boyle",
            ADMIN,
            "CEO",
            70012001,
            235011,
            "America/Los_Angeles",
        ),
        UserSpec(
            "sam.ops@zylker.example",
            "Sam",
            "Ortega",
            SALES_OPS,
            "Sales Operations Manager",
            70012002,
            235023,
            "America/Chicago",
        ),
        UserSpec(
            "rita.rep@zylker.example",
            "Rita",
            "Reyes",
            SALES_REP,
            "Sales Representative",
            70012003,
            235035,
            "America/New_York",
        ),
        UserSpec(
            "derek.former@zylker.example",
            "Derek",
            "Fowler",
            SALES_REP,
            "Sales Representative",
            70012004,
            235047,
            "America/Denver",
            status="disabled",
        ),
    ),
)

GLOBEX = OrgSpec(
    company_name="Globex Corporation",
    prefix=612200,
    zgid="70034000",
    time_zone="Europe/London",
    phone="+44 20 7946 0000",
    website="https://www.globex.example",
    users=(
        UserSpec(
            "gary.globex@globex.example",
            "Gary",
            "Gleason",
            ADMIN,
            "CEO",
            70034001,
            235011,
            "Europe/London",
        ),
        UserSpec(
            "lucia.ventas@globex.example",
            "Lucía",
            "Fernández",
            SALES_OPS,
            "Sales Operations Manager",
            70034002,
            235023,
            "Europe/Madrid",
            locale="es_ES",
        ),
    ),
    record_factor=0.1,
)

ORGS = (ZYLKER, GLOBEX)
