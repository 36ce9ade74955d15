from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "maarid.registry"
    label = "registry"
    verbose_name = _("Registry of organisations")

    def ready(self):
        from maarid.core import audit

        from . import access  # noqa: F401  (registers the membership provider)
        from .models import Membership, Organisation

        audit.register(Organisation, exclude=("search_text",))
        audit.register(Membership)
