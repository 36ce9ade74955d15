"""Stub: being written."""

from django.http import Http404


def export_xlsx(request, *args, **kwargs):
    raise Http404


def override(request, *args, **kwargs):
    raise Http404


def publish(request, *args, **kwargs):
    raise Http404


def report_pdf(request, *args, **kwargs):
    raise Http404


def run(request, *args, **kwargs):
    raise Http404


def selection(request, *args, **kwargs):
    raise Http404
