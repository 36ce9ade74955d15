"""Stub: being written."""

from django.http import Http404


def directory(request, *args, **kwargs):
    raise Http404


def exhibitor_detail(request, *args, **kwargs):
    raise Http404


def exhibitor_qr(request, *args, **kwargs):
    raise Http404


def product_detail(request, *args, **kwargs):
    raise Http404


def product_qr(request, *args, **kwargs):
    raise Http404


def qr_sheet(request, *args, **kwargs):
    raise Http404
