from django.urls import include, path

from crmupdate.accounts import views

account_patterns = [
    path("signin/", views.signin, name="signin"),
    path("signin/again/", views.reauth, name="reauth"),
    path("signout/", views.signout, name="signout"),
    path("signout/everywhere/", views.signout_everywhere, name="signout_everywhere"),
    path("account/", views.account, name="account"),
    path("account/language/", views.language, name="language"),
    path("account/disconnect/", views.disconnect, name="disconnect"),
]

# `home` is the site's root URL name; the rest live in the "accounts" namespace.
urlpatterns = [
    path("", views.home, name="home"),
    path("", include((account_patterns, "accounts"))),
]
