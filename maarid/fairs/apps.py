from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "maarid.fairs"
    label = "fairs"
    verbose_name = _("Fairs and editions")

    def ready(self):
        from maarid.core import audit

        from . import access  # noqa: F401  (registers the series-role providers)
        from .models import Edition, OpeningHours, Partner, Series, SeriesRole

        for model in (Series, Edition, OpeningHours, Partner, SeriesRole):
            audit.register(model)
