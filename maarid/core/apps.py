from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "maarid.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import audit  # connects the audit signal handlers
        from .models import Certificate

        audit.register(Certificate)
