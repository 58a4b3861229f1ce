"""The project's URLs plus one page that calls Zoho as the signed-in person, so tests can
watch what happens when Zoho refuses the saved sign-in."""

from django.http import HttpResponse
from django.urls import include, path

from crmupdate.accounts.decorators import team_required
from crmupdate.accounts.tokens import zoho_client_for


@team_required
def org_probe(request):
    org = zoho_client_for(request.user).get_org()
    return HttpResponse(f"Organisation from Zoho: {org.company_name}")


urlpatterns = [
    path("probe/org/", org_probe, name="org_probe"),
    path("", include("crmupdate.urls")),
]
