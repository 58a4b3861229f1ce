from django.urls import path

from crmupdate.massupdate import views

app_name = "massupdate"

urlpatterns = [
    path("updates/new/", views.new, name="new"),
    path("updates/new/refresh/", views.refresh_metadata, name="refresh"),
    path("updates/new/counts/", views.view_counts, name="view_counts"),
    path("updates/drafts/<uuid:draft_id>/", views.changes, name="changes"),
    path("updates/drafts/<uuid:draft_id>/review/", views.review, name="review"),
    path("updates/drafts/<uuid:draft_id>/run/", views.run, name="run"),
    path("updates/<int:pk>/", views.detail, name="detail"),
    path("updates/<int:pk>/status/", views.status, name="status"),
    path("updates/<int:pk>/steps/<int:step_id>/retry/", views.retry, name="retry"),
    path("updates/<int:pk>/resume/", views.resume, name="resume"),
]
