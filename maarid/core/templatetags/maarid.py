from django import template
from django.urls import translate_url
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
    """The current page in another language (for the language switcher)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.filter
def name_list(objects):
    """Names of ``objects`` joined the way the page's language lists them, each isolated for
    right-to-left text (an Arabic name among French ones, or the reverse)."""
    names = [format_html("<bdi>{}</bdi>", _name(o)) for o in objects]
    return mark_safe(formatting.items(names))  # noqa: S308 (each name is escaped above)


def _name(obj):
    return formatting.written(obj, "name") if hasattr(obj, "name_ar") else getattr(obj, "name", obj)
