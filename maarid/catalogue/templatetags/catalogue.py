"""The catalogue's template filters."""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe

from maarid.core.formatting import money, written

from ..links import photo_url
from ..models import ProductPhoto

register = template.Library()


@register.filter
def thumbnail(photo: ProductPhoto | int) -> str:
    """The address of a photo's thumbnail (the photo or its id)."""
    return photo_url(photo)


# A search result's card is written here rather than in the template: the search page shows
# twenty on each of its many requests, and the template language took three times as long to
# write the same markup (search.html keeps the card's frame and the booth between these parts).
# Plain f-strings and html.escape (what django.utils.html.escape does) rather than format_html,
# whose lazy-text checks cost more than the escaping itself.


def _html(value) -> str:
    """``value`` escaped, unless it is markup already (a ``Written`` text, a safe string)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.filter
def search_card(item, kind: str) -> SafeString:
    """A search result's name (a link to its page), then for a product who makes it (a link to
    its exhibitor page) and its category, for an organisation its kind, sector and province."""
    if kind == "organisations":
        title = _html(written(item, "name"))
        if item.exhibitor_url:
            title = f'<a href="{_html(item.exhibitor_url)}">{title}</a>'
        return mark_safe(  # noqa: S308 (every part is escaped above)
            f'<h2 dir="auto">{title}</h2>\n'
            f"    <span>{_html(item.kind_label)} · {_html(item.sector_label)}</span>\n"
            f'    <span class="muted">{_html(item.province.name)}</span>'
        )
    maker = _html(written(item.organisation, "name"))
    if item.exhibitor_url:
        maker = f'<a href="{_html(item.exhibitor_url)}">{maker}</a>'
    return mark_safe(  # noqa: S308 (every part is escaped above)
        f'<h2 dir="auto"><a href="{_html(item.url)}">{_html(written(item, "name"))}</a></h2>\n'
        f'    <span dir="auto">{maker}</span>\n'
        f'    <span class="muted">{_html(item.category.name)}</span>'
    )


@register.filter
def search_price(item) -> SafeString:
    """A product's price and unit, or nothing (an organisation, a product without a price)."""
    if getattr(item, "price", None) is None:
        return mark_safe("")
    return mark_safe(  # noqa: S308 (every part is escaped)
        f'<span class="price">{_html(money(item.price))} '
        f'<span class="muted">/ {_html(item.unit_label)}</span></span>'
    )
