from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "maarid.exhibitors"
    label = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the edition's panels)
        from .models import Application, Call, Criterion, Exhibitor, SectorQuota

        for model in (Call, Criterion, SectorQuota, Exhibitor):
            audit.register(model)
        audit.register(Application, exclude=("score", "rank"))
