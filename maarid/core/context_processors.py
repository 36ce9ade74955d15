from django.conf import settings
from django.utils.translation import get_language, get_language_bidi

from . import access


def maarid(request):
    user = getattr(request, "user", None)
    return {
        "MAARID_VERSION": settings.MAARID_VERSION,
        "LANGUAGE_BIDI": get_language_bidi(),
        "current_language": get_language(),
        "user_roles": access.roles(user) if user is not None else set(),
        "is_organiser": access.is_organiser(user) if user is not None else False,
    }
