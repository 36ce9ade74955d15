from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from maarid.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("maarid.core.urls")),
    path("", include("maarid.catalogue.urls")),
    path("organisations/", include("maarid.registry.urls")),
    # Last: an edition's pages live under /<lang>/<series-slug>/<number>/.
    path("<slug:series>/<int:number>/", include("maarid.exhibitors.urls")),
    path("<slug:series>/<int:number>/", include("maarid.catalogue.urls_edition")),
    path("", include("maarid.fairs.urls")),
)
