from django.urls import path

from . import views, views_import

app_name = "registry"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("join/", views.join, name="join"),
    path("communes/", views.communes, name="communes"),
    path("join/register/", views.register_own, name="register-own"),
    path("memberships/", views.memberships_pending, name="pending"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="decide"),
    path("import/", views_import.import_organisations, name="import"),
    path("export.<str:fmt>", views_import.export_organisations, name="export"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/history/", views.organisation_history, name="history"),
    path("<slug:slug>/join/", views.join_request, name="join-request"),
    path("<slug:slug>/invite/", views.membership_invite, name="invite"),
]
