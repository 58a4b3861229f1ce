from django.urls import path

from crmupdate.history import views

app_name = "history"

urlpatterns = [
    path("history/", views.history_list, name="list"),
    path("history/count/", views.history_count, name="count"),
    path("history/export.csv", views.history_csv, name="csv"),
    path("history/export.xlsx", views.history_xlsx, name="xlsx"),
    path("history/rows/<int:pk>/", views.history_row, name="row"),
    path("history/_floor", views.floor, name="floor"),
]
