from django.urls import path

from . import views

app_name = "fairs"
urlpatterns = [
    path("", views.home, name="home"),
]
