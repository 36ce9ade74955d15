from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "maarid.programme"
    label = "programme"
    verbose_name = _("Programme")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (what the programme adds to core.hooks)
        from .models import DoorDevice, Room, Session, Speaker, Track

        for model in (Track, Room, Speaker, Session, DoorDevice):
            audit.register(model)
