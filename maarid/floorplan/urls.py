"""An edition's floor plan, under /<lang>/<series>/<number>/floorplan/."""

from django.urls import path

from . import views, views_allocate, views_map

app_name = "floorplan"
urlpatterns = [
    path("floorplan/", views.venue, name="venue"),
    path("floorplan/layout/", views.generate, name="generate"),
    path("floorplan/import/", views.upload, name="import"),
    path("floorplan/plan.geojson", views.download, name="export"),
    path("floorplan/copy/", views.copy, name="copy"),
    path("floorplan/publish/", views.publish, name="publish"),
    path("floorplan/booths/<int:pk>/", views.booth, name="booth"),
    # The allocation and the printables (fpops).
    path("floorplan/allocate/", views_allocate.allocate, name="allocate"),
    path("floorplan/allocate/<uuid:job>/", views_allocate.allocation, name="allocation"),
    path("floorplan/announce/", views_allocate.announce, name="announce"),
    path("floorplan/signs.pdf", views_allocate.signs, name="signs"),
    path("floorplan/plan.pdf", views_allocate.plan_pdf, name="plan-pdf"),
    # The map: the public "find a stand", the entrances' QR codes, the organisers' map (fpmap).
    path("floorplan/map/", views_map.public_map, name="map"),
    path("floorplan/map/entrances/<int:pk>/qr.svg", views_map.entrance_qr, name="entrance-qr"),
    path("floorplan/arrange/", views_map.arrange, name="arrange"),
    path("floorplan/arrange/move/", views_map.move, name="move"),
]
