from django.conf import settings
from django.urls import include, path

from crmupdate import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("crmupdate.accounts.urls")),
    path("", include("crmupdate.massupdate.urls")),
    path("", include("crmupdate.massupdate.undo.urls")),
    path("", include("crmupdate.history.urls")),
    path("oauth/", include("social_django.urls", namespace="social")),
]

if settings.ZOHOSIM_ENABLED:
    urlpatterns.append(path(f"{settings.ZOHOSIM_URL_PREFIX}/", include("crmupdate.zohosim.urls")))

handler400 = "crmupdate.views.bad_request"
handler403 = "crmupdate.views.permission_denied"
handler404 = "crmupdate.views.page_not_found"
handler500 = "crmupdate.views.server_error"
