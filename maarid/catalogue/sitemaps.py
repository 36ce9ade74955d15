"""The sitemap (an index of sections, each page listed in Arabic, French and English with its
alternates) and robots.txt.

Only what the public may open is listed: editions that are not drafts, the active exhibitors of
those editions, and active products. Addresses are the ASCII slugs explained in
``views_site``'s docstring; the names in each language are in the pages themselves.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from maarid.fairs import selectors as fairs

from . import selectors
from .links import exhibitor_path


class _InEveryLanguage(Sitemap):
    """Each item once per language, with ``<xhtml:link rel="alternate" hreflang>`` to the
    others and an x-default."""

    i18n = True
    alternates = True
    x_default = True
    # Addresses a page (each item counts once per language), each with its four alternates:
    # far below the protocol's 50,000 addresses and 50 MB.
    limit = 15000


class PagesSitemap(_InEveryLanguage):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["fairs:home"]

    def location(self, item):
        return reverse(item)


class EditionSitemap(_InEveryLanguage):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return fairs.public_editions()

    def location(self, edition):
        return edition.get_absolute_url()


class DirectorySitemap(EditionSitemap):
    def location(self, edition):
        return reverse("site:directory", args=[edition.series.slug, edition.number])


class ExhibitorSitemap(_InEveryLanguage):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.public_exhibitors()

    def location(self, exhibitor):
        return exhibitor_path(exhibitor)

    def lastmod(self, exhibitor):
        return exhibitor.organisation.updated_at


class ProductSitemap(_InEveryLanguage):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return selectors.public_product_pages()

    def location(self, product):
        return product.get_absolute_url()

    def lastmod(self, product):
        return product.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "editions": EditionSitemap,
    "directories": DirectorySitemap,
    "exhibitors": ExhibitorSitemap,
    "products": ProductSitemap,
}

# Pages that are private, personal, or endless for a crawler.
_PRIVATE = ["accounts/", "admin/", "organisations/", "people/", "outbox/", "jobs/"]


@require_GET
@cache_page(3600)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /api/"]
    for code, _name in settings.LANGUAGES:
        lines += [f"Disallow: /{code}/{path}" for path in _PRIVATE]
        lines.append(f"Disallow: /{code}/search/")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
