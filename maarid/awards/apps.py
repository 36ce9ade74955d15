from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "maarid.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the dashboard panel and the links)
        from .models import (
            ArtisanPractice,
            AwardCategory,
            CeremonyItem,
            Conflict,
            CraftAtRisk,
            Criterion,
            Juror,
            Result,
            Score,
            Winner,
        )

        for model in (
            AwardCategory,
            Criterion,
            Juror,
            Conflict,
            Score,
            Result,
            Winner,
            CraftAtRisk,
            ArtisanPractice,
            CeremonyItem,
        ):
            audit.register(model)
