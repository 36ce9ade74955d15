"""The observatory's pages and its open data files: thin doors over ``opendata`` and
``observatory_page``. Public, in the three languages; no login."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import observatory_page, opendata


@require_GET
def observatory(request):
    """Fairs compared across editions and regions, and the SSE fabric of the registry."""
    observed = opendata.observe()
    series = request.GET.get("series") or None
    region = request.GET.get("region") or None
    context = observatory_page.context(observed, series, region)
    return render(request, "reports/observatory.html", context)


@require_GET
def open_data(request):
    """The datasets, their licence and how they are protected."""
    return render(
        request,
        "reports/observatory_data.html",
        {
            "tables": opendata.tables().values(),
            "licence": opendata.LICENCE,
            "threshold": opendata.threshold(),
        },
    )


@require_GET
def dataset(request, name, extension):
    table = opendata.tables().get(name)
    if table is None:
        raise Http404
    if extension == "csv":
        response = HttpResponse(opendata.as_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            opendata.as_json(table), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="maarid-{name}.{extension}"'
    response["Link"] = f'<{opendata.LICENCE["url"]}>; rel="license"'
    response["X-Licence"] = f"{opendata.LICENCE['id']} ({opendata.LICENCE['url']})"
    response["Access-Control-Allow-Origin"] = "*"
    return response
