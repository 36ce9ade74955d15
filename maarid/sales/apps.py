from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "maarid.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the dashboard panel and the links)
        from .models import DayClose, Device

        audit.register(Device)
        audit.register(DayClose)
