from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from maarid.api.api import api
from maarid.catalogue.sitemaps import SITEMAPS, robots_txt
from maarid.sales import views as sales_views

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Findability: an index of sitemaps (every public page in the three languages), robots.txt.
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("pos-sw.js", sales_views.service_worker, name="pos-service-worker"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("maarid.core.urls")),
    path("", include("maarid.catalogue.urls")),
    path("", include("maarid.sales.urls")),
    path("organisations/", include("maarid.registry.urls")),
    # Last: an edition's pages live under /<lang>/<series-slug>/<number>/.
    path("<slug:series>/<int:number>/", include("maarid.exhibitors.urls")),
    path("<slug:series>/<int:number>/", include("maarid.catalogue.urls_edition")),
    path("<slug:series>/<int:number>/", include("maarid.sales.urls_edition")),
    path("<slug:series>/<int:number>/", include("maarid.b2b.urls")),
    path("", include("maarid.fairs.urls")),
)
