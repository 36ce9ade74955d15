from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from maarid.core import formatting
from maarid.core.phones import display_phone

register = template.Library()

register.filter("number", formatting.number)
register.filter("money", formatting.money)
register.filter("babel_time", formatting.time)
register.filter("phone", display_phone)
register.filter("area", formatting.area)


@register.filter
def babel_date(value, fmt="long"):
    return formatting.date(value, fmt)


@register.filter
def babel_datetime(value, fmt="medium"):
    return formatting.datetime_(value, fmt)


@register.simple_tag
def date_range(start, end):
    return formatting.date_range(start, end)


@register.simple_tag
def time_range(start, end):
    """Opening hours, a meeting's slot: '16:30–22:00', kept left to right on Arabic pages."""
    return format_html('<span dir="ltr">{}</span>', formatting.time_range(start, end))


@register.filter
def written(obj, field):
    """``{{ product|written:"description" }}``: the field in the page's language, or in the
    other one marked as such (``formatting.Written``)."""
    return formatting.written(obj, field)


@register.simple_tag(takes_context=True)
def url_in(context, language):
    """The current page in another language (for the language switcher): what Django's
    ``translate_url`` gives, the page's address resolved once for all the languages (every
    page asks for three)."""
    request = context["request"]
    full_path = request.get_full_path()
    parsed = urlsplit(full_path)
    key = (parsed.path, translation.get_language())
    resolved = getattr(request, "_maarid_url_in", None)
    if resolved is None or resolved[0] != key:
        try:
            match = resolve(unquote(parsed.path))
        except Resolver404:
            match = None
        resolved = request._maarid_url_in = (key, match)
    match = resolved[1]
    if match is None:
        return full_path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return full_path
    return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))


@register.filter
def name_list(objects):
    """Names of ``objects`` joined the way the page's language lists them, each isolated for
    right-to-left text (an Arabic name among French ones, or the reverse)."""
    names = [format_html("<bdi>{}</bdi>", _name(o)) for o in objects]
    return mark_safe(formatting.items(names))  # noqa: S308 (each name is escaped above)


def _name(obj):
    return formatting.written(obj, "name") if hasattr(obj, "name_ar") else getattr(obj, "name", obj)
