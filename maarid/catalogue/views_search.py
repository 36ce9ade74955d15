"""The public search page: /<lang>/search/?q=…&kind=products|organisations&edition=…&page=…"""

from django import forms
from django.shortcuts import render

from maarid.core.params import MAX_INT
from maarid.registry.models import Kind, Sector

from . import search as engine
from . import selectors
from .models import Unit


class SearchForm(forms.Form):
    """Reads the query string; the template writes the inputs itself (cheaper than rendering
    widgets, and the page is the one the benchmark hammers)."""

    q = forms.CharField(required=False, max_length=engine.MAX_QUERY_LENGTH)
    kind = forms.ChoiceField(required=False, choices=[(k, k) for k in engine.KINDS])
    edition = forms.IntegerField(required=False, min_value=1, max_value=MAX_INT)
    page = forms.IntegerField(required=False, min_value=1, max_value=500)


def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # what is wrong (a bad page number) is left out, the rest still searched
    data = form.cleaned_data
    query = data.get("q") or ""
    kind = data.get("kind") or "products"
    edition = data.get("edition")
    number = data.get("page") or 1
    found, pages = selectors.search(query, kind=kind, edition=edition, page=number)
    _label(found.results, kind)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "catalogue/search.html",
        {
            "typed": request.GET.get("q", "")[: engine.MAX_QUERY_LENGTH],
            "query": query,
            "kind": kind,
            "edition": edition,
            "edition_shown": selectors.searched_edition(edition),
            "found": found,
            "page": {
                "number": number,
                "pages": pages,
                "previous": number - 1 if number > 1 else None,
                "next": number + 1 if number < pages else None,
            },
            "params": params.urlencode(),
        },
    )


def _label(results, kind):
    """The names of units, kinds and sectors in the reader's language, looked up once."""
    if kind == "products":
        units = {value: str(label) for value, label in Unit.choices}
        for product in results:
            product.unit_label = units.get(product.unit, product.unit)
    else:
        kinds = {value: str(label) for value, label in Kind.choices}
        sectors = {value: str(label) for value, label in Sector.choices}
        for organisation in results:
            organisation.kind_label = kinds.get(organisation.kind, "")
            organisation.sector_label = sectors.get(organisation.sector, "")
