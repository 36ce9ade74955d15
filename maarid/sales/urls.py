"""The sales app and receipts (pages in every language; the service worker is at the root)."""

from django.urls import path

from . import views

app_name = "sales"
urlpatterns = [
    path("pos/", views.app, name="app"),
    path("pos/manifest.webmanifest", views.manifest, name="manifest"),
    path("receipts/<str:key>/", views.receipt, name="receipt"),
    path("receipts/<str:key>/pdf/", views.receipt_pdf, name="receipt-pdf"),
    path("receipts/<str:key>/qr.svg", views.receipt_qr, name="receipt-qr"),
]
