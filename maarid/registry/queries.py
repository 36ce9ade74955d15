"""Reads of the registry that several places share."""

from django.db.models import Q

from maarid.core.text import normalise

from .models import Organisation


def find_duplicate(organisation: Organisation) -> Organisation | None:
    """Another organisation with the same registration number or ICE, or the same name
    (Arabic or French, normalised) in the same province."""
    query = Q()
    for _field, key in identity_keys(organisation):
        if key[0] == "name":
            query |= Q(province_id=key[1], search_text__contains=key[2])
        else:
            query |= Q(**{key[0]: key[1]})
    if not query:
        return None
    own = {key for _field, key in identity_keys(organisation)}
    candidates = Organisation.objects.filter(query).exclude(pk=organisation.pk)
    return next((c for c in candidates if own & {key for _f, key in identity_keys(c)}), None)


def identity_keys(organisation) -> list[tuple[str, tuple]]:
    """What makes two organisations the same, with the field each key comes from. Names only
    count within a province: many cooperatives across Morocco are called Al Amal."""
    keys = [
        (name, (name, getattr(organisation, name)))
        for name in ("registration_number", "ice")
        if getattr(organisation, name)
    ]
    for name in ("name_fr", "name_ar"):
        if text := normalise(getattr(organisation, name)):
            keys.append((name, ("name", organisation.province_id, text)))
    return keys
