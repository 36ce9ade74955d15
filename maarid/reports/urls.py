"""An edition's closing report, under /<lang>/<series>/<number>/report/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/report.pdf", views.report_pdf, name="pdf"),
    path("report/export.<str:fmt>", views.export, name="export"),
    path("report/rows/<str:what>/", views.rows, name="rows"),
]
