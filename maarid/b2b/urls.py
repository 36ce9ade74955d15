"""An edition's B2B meetings, under /<lang>/<series>/<number>/b2b/."""

from django.urls import path

from . import views

app_name = "b2b"
urlpatterns = [
    path("b2b/", views.home, name="home"),
    path("b2b/setup/", views.setup, name="setup"),
    path("b2b/profile/", views.profile, name="profile"),
    path("b2b/participants/", views.participants, name="participants"),
    path("b2b/participants/<int:pk>/ask/", views.ask, name="ask"),
    path("b2b/requests/", views.requests, name="requests"),
    path("b2b/requests/<int:pk>/answer/", views.answer, name="answer"),
    path("b2b/agenda/", views.agenda, name="agenda"),
    path("b2b/agenda.pdf", views.agenda_pdf, name="agenda-pdf"),
    path("b2b/agenda.ics", views.agenda_ics, name="agenda-ics"),
    path("b2b/meetings/", views.meetings, name="meetings"),
    path("b2b/meetings/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("b2b/schedule/", views.run_schedule, name="schedule"),
    path("b2b/publish/", views.publish, name="publish"),
    path("b2b/check-in/", views.checkin, name="checkin"),
    path("b2b/tables.pdf", views.table_signs, name="table-signs"),
]
