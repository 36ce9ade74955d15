"""An edition's visitors pages, under /<lang>/<series>/<number>/."""

from django.urls import path

from . import views

app_name = "visitors"
urlpatterns = [
    path("gate/", views.app, name="app"),
    path("gate/manifest.webmanifest", views.app_manifest, name="app-manifest"),
    path("footfall/", views.board, name="board"),
    path("footfall/close/", views.close_day, name="close-day"),
    path("footfall/conflicts/<int:pk>/reviewed/", views.review_conflict, name="review-conflict"),
    path("gates/", views.gates, name="gates"),
    path("gates/phones/<int:pk>/revoke/", views.revoke_device, name="revoke-device"),
    path("ticket-types/", views.ticket_types, name="ticket-types"),
    path("ticket-types/tickets/<int:pk>/revoke/", views.revoke_ticket, name="revoke-ticket"),
    path("tickets/", views.register, name="register"),
    path("tickets/<str:code>/", views.ticket, name="ticket"),
    path("tickets/<str:code>/manifest.webmanifest", views.ticket_manifest, name="ticket-manifest"),
    path("survey/", views.survey, name="survey"),
    path("survey/qr.svg", views.survey_qr, name="survey-qr"),
]
