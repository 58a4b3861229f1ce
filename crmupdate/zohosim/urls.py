"""The simulator's URLs, mounted at /{ZOHOSIM_URL_PREFIX}/ when the simulator is enabled.

`accounts/` plays Zoho's accounts server, `api/` the CRM API domain. Both catch every path
below them, so unknown URLs get Zoho-shaped errors (never Django's HTML 404 page) and paths
without a trailing slash work for every method (CommonMiddleware never redirects them).
"""

from django.urls import path, re_path

from crmupdate.zohosim import accounts_views, crm_router

app_name = "zohosim"

urlpatterns = [
    re_path(r"^accounts/oauth/v2/auth/?$", accounts_views.authorize, name="authorize"),
    re_path(r"^accounts/oauth/v2/token/?$", accounts_views.token, name="token"),
    re_path(r"^accounts/oauth/v2/token/revoke/?$", accounts_views.revoke, name="revoke"),
    re_path(r"^accounts/oauth/user/info/?$", accounts_views.user_info, name="user_info"),
    re_path(r"^accounts/oauth/serverinfo/?$", accounts_views.server_info, name="server_info"),
    re_path(r"^accounts(?:/.*)?$", accounts_views.not_found, name="accounts_not_found"),
    path("api/<path:path>", crm_router.crm_api, name="api"),
    re_path(r"^api/?$", crm_router.crm_api, name="api_root"),
]
