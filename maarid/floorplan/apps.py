from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FloorplanConfig(AppConfig):
    name = "maarid.floorplan"
    label = "floorplan"
    verbose_name = _("Floor plan")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the dashboard's panel)
        from .models import Assignment, Booth, NeighbourRequest, Structure, Venue, Zone

        audit.register(Venue)
        audit.register(Structure)
        audit.register(Booth)
        audit.register(Zone)
        audit.register(Assignment)
        audit.register(NeighbourRequest)
