"""What the catalogue adds to an edition's pages (the fairs app shows them without knowing this
app: they are hooks of ``core.hooks``), and what it does when an application is accepted (the
exhibitors app, below it, calls ``hooks.exhibitor_admitted``). The reads are ``selectors``'."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import access, hooks
from maarid.core.formatting import number

from . import search, services
from .selectors import exhibitors_of, figures


def _url(name, edition):
    return reverse(f"site:{name}", args=[edition.series.slug, edition.number])


@hooks.edition_links.add
def public_links(edition, user) -> list:
    """The directory, for everyone, once the edition has exhibitors."""
    if not exhibitors_of(edition).exists():
        return []
    return [(_("Exhibitors"), _url("directory", edition))]


@hooks.edition_figures.add
def public_figures(edition) -> list:
    """(label, value) pairs for the edition's home page; nothing before the first exhibitor."""
    f = figures(edition)
    if not f["exhibitors"]:
        return []
    return [
        (_("Exhibitors"), number(f["exhibitors"])),
        (_("Women's cooperatives"), number(f["womens_cooperatives"])),
        (_("Provinces represented"), number(f["provinces"])),
        (_("Products"), number(f["products"])),
    ]


@hooks.edition_panels.add
def organiser_panel(edition, user) -> dict:
    """The public site on the organiser's dashboard, with the printable QR codes."""
    f = figures(edition)
    links = [(_("Exhibitor directory"), _url("directory", edition))]
    if access.is_organiser(user, edition.series_id):
        links += [
            (_("QR codes of the exhibitors (PDF)"), _url("qr-sheet", edition)),
            (_("QR codes of the products (PDF)"), _url("qr-sheet", edition) + "?products=1"),
        ]
    return {
        "title": _("Public site"),
        "figures": [(_("Exhibitors"), f["exhibitors"]), (_("Products"), f["products"])],
        "links": links,
    }


@hooks.organisation_links.add
def organisation_links(organisation, user) -> list:
    """On an organisation's page, for those who manage it: its products."""
    if not access.can_change(user, organisation):
        return []
    return [(_("Products"), reverse("catalogue:my-products", args=[organisation.slug]))]


@hooks.exhibitor_admitted.add
def products_from_application(application) -> None:
    """The products an accepted application listed become the organisation's (once each)."""
    services.products_from_application(application=application)


# --- The floor plan's map asks who matches a search (``hooks.exhibitors_matching``) --------


@hooks.exhibitors_matching.answer
def exhibitors_matching(edition_id: int, query: str) -> dict[int, list[str]]:
    """The edition's exhibitors found by name or by a product, with the products found."""
    found: dict[int, list[str]] = {}
    for organisation in search.find(query, kind="organisations", edition=edition_id).results:
        found.setdefault(organisation.pk, [])
    products = search.find(query, kind="products", edition=edition_id, limit=100).results
    for product in products:
        names = found.setdefault(product.organisation_id, [])
        if len(names) < 3:
            names.append(str(product))
    return found
