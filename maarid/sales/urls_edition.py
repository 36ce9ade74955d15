"""An edition's sales: the organisers' board and each exhibitor's ledger, devices and day close."""

from django.urls import path

from . import views

app_name = "turnover"
urlpatterns = [
    path("sales/", views.board, name="board"),
    path("sales/<slug:organisation>/", views.ledger, name="ledger"),
    path("sales/<slug:organisation>/entries/<int:pk>/", views.sale_detail, name="sale"),
    path("sales/<slug:organisation>/devices/", views.devices, name="devices"),
    path("sales/<slug:organisation>/devices/<int:pk>/revoke/", views.revoke, name="revoke-device"),
    path("sales/<slug:organisation>/close/", views.close, name="close"),
]
