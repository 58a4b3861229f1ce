"""Which custom views a person sees is theirs (views shared "only with me", by role): the
views read for one person are never shown to another, even within the cache time."""

import pytest

from crmupdate.accounts.models import Member
from crmupdate.zohosim.models import ApiCall
from tests.fixtures_sim import SALES_REP_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_view_only_for_rita_is_never_offered_to_sam(member_factory, client_for):
    rita, sam = member_factory(SALES_REP_EMAIL), member_factory()
    Member.objects.filter(pk=rita.member.pk).update(mass_update_modules=["Leads"])

    ritas = client_for(rita).get("/updates/new/?module=Leads").content.decode()
    sams = client_for(sam).get("/updates/new/?module=Leads").content.decode()
    again = client_for(sam).get("/updates/new/?module=Leads").content.decode()

    assert "Rita&#x27;s hot leads" in ritas or "Rita's hot leads" in ritas
    assert "hot leads" not in sams and "hot leads" not in again
    readers = [
        c.user.email
        for c in ApiCall.objects.filter(path__endswith="/settings/custom_views").order_by("id")
    ]
    assert readers == [SALES_REP_EMAIL, sam.email]  # one read each; Sam's second load: cached
