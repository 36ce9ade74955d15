"""Stub: being written."""

from django.http import Http404


def photo(request, *args, **kwargs):
    raise Http404


def product_create(request, *args, **kwargs):
    raise Http404


def product_edit(request, *args, **kwargs):
    raise Http404


def product_export(request, *args, **kwargs):
    raise Http404


def product_import(request, *args, **kwargs):
    raise Http404


def product_list(request, *args, **kwargs):
    raise Http404
