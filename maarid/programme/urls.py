"""An edition's programme pages, under /<lang>/<series>/<number>/programme/."""

from django.urls import path

from . import views, views_certificates

app_name = "programme"
urlpatterns: list = [
    path("programme/", views.programme, name="programme"),
    path("programme/programme.ics", views.ical, name="ical"),
    path("programme/sessions/<int:pk>/", views.session, name="session"),
    path("programme/mine/", views.my, name="my"),
    path("programme/mine/<str:key>/", views.mine, name="mine"),
    path("programme/mine/<str:key>/calendar.ics", views.ical_mine, name="ical-mine"),
    path("programme/mine/<str:key>/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("programme/cooperative/", views.exhibitor_registrations, name="exhibitor-registrations"),
    path("programme/organise/", views.grid, name="grid"),
    path("programme/organise/setup/", views.setup, name="setup"),
    path("programme/organise/sessions/new/", views.session_new, name="session-new"),
    path("programme/organise/sessions/<int:pk>/", views.session_edit, name="session-edit"),
    path(
        "programme/organise/sessions/<int:pk>/registrants/",
        views.registrants,
        name="registrants",
    ),
    path(
        "programme/organise/sessions/<int:pk>/registrants.xlsx",
        views.registrants_xlsx,
        name="registrants-xlsx",
    ),
    path("programme/door/<int:pk>/", views.door, name="door"),
    # The door phone's app (outside /door/ so that its service worker's scope holds no page
    # with people's names).
    path("programme/door-phone/", views.door_app, name="door-app"),
    path("programme/organise/door-phones/", views.door_phones, name="door-phones"),
    path(
        "programme/organise/door-phones/<int:pk>/revoke/",
        views.door_phone_revoke,
        name="door-phone-revoke",
    ),
]

# The organisers' certificates of the programme (views_certificates.py).
_certificates = "programme/organise/certificates/"
urlpatterns += [
    path(_certificates, views_certificates.certificates_page, name="certificates"),
    path(f"{_certificates}make/", views_certificates.make, name="certificates-make"),
    path(f"{_certificates}all.zip", views_certificates.all_zip, name="certificates-zip"),
    path(f"{_certificates}<int:pk>/", views_certificates.certificate, name="certificate"),
    path(
        f"{_certificates}<int:pk>/pdf/", views_certificates.certificate_pdf, name="certificate-pdf"
    ),
    path(
        f"{_certificates}<int:pk>/correct/", views_certificates.correct, name="certificate-correct"
    ),
    path(f"{_certificates}<int:pk>/revoke/", views_certificates.revoke, name="certificate-revoke"),
    path(f"{_certificates}<int:pk>/send/", views_certificates.send, name="certificate-send"),
]
