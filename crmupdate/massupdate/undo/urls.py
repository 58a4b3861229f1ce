from django.urls import path

from crmupdate.massupdate.undo import views

app_name = "undo"

urlpatterns = [
    path("updates/<int:pk>/undo/", views.page, name="page"),
    path("updates/<int:pk>/undo/status/", views.status, name="status"),
    path("updates/<int:pk>/undo/start/", views.start, name="start"),
    path("updates/<int:pk>/undo/resume/", views.resume, name="resume"),
    path("updates/<int:pk>/undo/results.csv", views.results_csv, name="csv"),
    path("updates/<int:pk>/undo/results.xlsx", views.results_xlsx, name="xlsx"),
]
