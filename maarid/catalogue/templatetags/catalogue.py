"""The catalogue's template filters."""

from django import template

from ..links import photo_url
from ..models import ProductPhoto

register = template.Library()


@register.filter
def thumbnail(photo: ProductPhoto | int) -> str:
    """The address of a photo's thumbnail (the photo or its id)."""
    return photo_url(photo)
