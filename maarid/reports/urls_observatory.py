"""The observatory across fairs and regions and its open data, under /<lang>/observatory/."""

from django.urls import path, re_path

from . import observatory_views as views

app_name = "observatory"
urlpatterns = [
    path("", views.observatory, name="home"),
    path("data/", views.open_data, name="data"),
    re_path(
        r"^data/(?P<name>[a-z-]{1,40})\.(?P<extension>csv|json)$",
        views.dataset,
        name="dataset",
    ),
]
