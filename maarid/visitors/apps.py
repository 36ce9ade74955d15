from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "maarid.visitors"
    label = "visitors"
    verbose_name = _("Visitors")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the dashboard panel)
        from .models import DayClosing, Gate, GateDevice, Quota, Ticket, TicketType

        for model in (Gate, GateDevice, DayClosing, TicketType, Quota, Ticket):
            audit.register(model)
