from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class B2BConfig(AppConfig):
    name = "maarid.b2b"
    label = "b2b"
    verbose_name = _("Business meetings")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the edition's link and dashboard panel)
        from .models import Meeting, Profile, Programme

        audit.register(Programme)
        audit.register(Profile)
        audit.register(Meeting, exclude=("unplaced_reason",))
