"""Stub: being written."""

from django.http import Http404


def assign(request, *args, **kwargs):
    raise Http404


def board(request, *args, **kwargs):
    raise Http404


def my_reviews(request, *args, **kwargs):
    raise Http404


def review_form(request, *args, **kwargs):
    raise Http404
