from django.urls import path

from crmupdate.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
]
