from django.urls import path

from . import views

app_name = "fairs"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:series>/", views.series_detail, name="series"),
    path("<slug:series>/new/", views.edition_create, name="edition-create"),
    path("<slug:series>/team/", views.team, name="team"),
    path("<slug:series>/team/<int:pk>/remove/", views.role_remove, name="role-remove"),
    path("<slug:series>/<int:number>/", views.edition_detail, name="edition"),
    path("<slug:series>/<int:number>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:series>/<int:number>/edit/", views.edition_edit, name="edition-edit"),
    path("<slug:series>/<int:number>/status/", views.edition_status, name="edition-status"),
    path("<slug:series>/<int:number>/partners/", views.partner_add, name="partner-add"),
    path(
        "<slug:series>/<int:number>/partners/<int:pk>/remove/",
        views.partner_remove,
        name="partner-remove",
    ),
]
