"""Stub: being written."""

from django.http import Http404


def call_detail(request, *args, **kwargs):
    raise Http404


def call_edit(request, *args, **kwargs):
    raise Http404
