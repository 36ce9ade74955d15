"""Stub: being written."""

from django.http import Http404


def search(request, *args, **kwargs):
    raise Http404
