from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from maarid.api.api import api
from maarid.awards.api import router as awards_api
from maarid.b2b.api import router as b2b_api
from maarid.catalogue.api import router as catalogue_api
from maarid.catalogue.api_search import router as search_api
from maarid.catalogue.sitemaps import SITEMAPS, robots_txt
from maarid.core.views import favicon
from maarid.exhibitors.api import router as exhibitors_api
from maarid.fairs.api import router as fairs_api
from maarid.floorplan.api import router as floorplan_api
from maarid.programme.api import router as programme_api
from maarid.registry.api import router as registry_api
from maarid.sales import views as sales_views
from maarid.sales.api import router as sales_api
from maarid.visitors.api import router as visitors_api

# Every app's router, under /api/v1/<app>/. URLs are matched in this order, one pattern after
# another: the phones' calls (tills, gates, doors) and the search come first, so that the
# busiest requests are matched after a few patterns rather than eighty.
api.add_router("/v1/sales/", sales_api)
api.add_router("/v1/visitors/", visitors_api)
api.add_router("/v1/programme/", programme_api)
api.add_router("/v1/search", search_api)
api.add_router("/v1/registry/", registry_api)
api.add_router("/v1/fairs/", fairs_api)
api.add_router("/v1/exhibitors/", exhibitors_api)
api.add_router("/v1/catalogue/", catalogue_api)
api.add_router("/v1/floorplan/", floorplan_api)
api.add_router("/v1/b2b/", b2b_api)
api.add_router("/v1/awards/", awards_api)

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
    path("favicon.ico", favicon, name="favicon"),
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
    path("<slug:series>/<int:number>/", include("maarid.floorplan.urls")),
    path("<slug:series>/<int:number>/", include("maarid.sales.urls_edition")),
    path("<slug:series>/<int:number>/", include("maarid.b2b.urls")),
    path("<slug:series>/<int:number>/", include("maarid.programme.urls")),
    path("<slug:series>/<int:number>/", include("maarid.visitors.urls")),
    path("<slug:series>/<int:number>/", include("maarid.awards.urls")),
    path("<slug:series>/<int:number>/", include("maarid.reports.urls")),
    path("observatory/", include("maarid.reports.urls_observatory")),
    path("", include("maarid.fairs.urls")),
)
