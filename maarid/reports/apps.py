from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The closing report of an edition and the observatory across fairs and regions.

    On top of every other app: it reads their selectors, and nothing imports it.
    """

    name = "maarid.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (the dashboard's link, freezing at closing)
        from .models import ClosingReport

        audit.register(ClosingReport, exclude=("figures",))
