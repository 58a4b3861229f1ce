from django.conf import settings
from django.urls import include, path
from social_django import views as social_views

from crmupdate import views

# Of social-auth's URLs only sign-in with Zoho: "Disconnect Zoho" on the account page revokes
# the grant at Zoho, where social-auth's disconnect would only unlink the account here.
social_patterns = [
    path("login/<str:backend>/", social_views.auth, name="begin"),
    path("complete/<str:backend>/", social_views.complete, name="complete"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("crmupdate.accounts.urls")),
    path("", include("crmupdate.massupdate.urls")),
    path("", include("crmupdate.massupdate.undo.urls")),
    path("", include("crmupdate.history.urls")),
    path("oauth/", include((social_patterns, "social"))),
]

if settings.ZOHOSIM_ENABLED:
    urlpatterns.append(path(f"{settings.ZOHOSIM_URL_PREFIX}/", include("crmupdate.zohosim.urls")))

handler400 = "crmupdate.views.bad_request"
handler403 = "crmupdate.views.permission_denied"
handler404 = "crmupdate.views.page_not_found"
handler500 = "crmupdate.views.server_error"
