"""An edition's floor plan, under /<lang>/<series>/<number>/floorplan/."""

from django.urls import path

from . import views

app_name = "floorplan"
urlpatterns = [
    path("floorplan/", views.venue, name="venue"),
    path("floorplan/layout/", views.generate, name="generate"),
    path("floorplan/import/", views.upload, name="import"),
    path("floorplan/plan.geojson", views.download, name="export"),
    path("floorplan/copy/", views.copy, name="copy"),
    path("floorplan/publish/", views.publish, name="publish"),
    path("floorplan/booths/<int:pk>/", views.booth, name="booth"),
]
