"""An edition's public site: the exhibitor directory and pages, QR codes."""

from django.urls import path

from . import views_site

app_name = "site"
urlpatterns = [
    path("exhibitors/", views_site.directory, name="directory"),
    path("exhibitors/<slug:organisation>/", views_site.exhibitor_detail, name="exhibitor"),
    path("exhibitors/<slug:organisation>/qr.svg", views_site.exhibitor_qr, name="exhibitor-qr"),
    path("qr-codes.pdf", views_site.qr_sheet, name="qr-sheet"),
]
