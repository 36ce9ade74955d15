"""Stub: being written."""

from django.http import Http404


def application_detail(request, *args, **kwargs):
    raise Http404


def application_step(request, *args, **kwargs):
    raise Http404


def application_submit(request, *args, **kwargs):
    raise Http404


def application_withdraw(request, *args, **kwargs):
    raise Http404


def apply(request, *args, **kwargs):
    raise Http404


def document_file(request, *args, **kwargs):
    raise Http404


def product_photo(request, *args, **kwargs):
    raise Http404
