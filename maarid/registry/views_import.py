"""Import and export of organisations (CSV and Excel). Filled in by the import work."""

from django.http import Http404


def import_organisations(request):
    raise Http404


def export_organisations(request, fmt):
    raise Http404
