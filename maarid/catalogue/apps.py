from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "maarid.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from maarid.core import audit

        from . import panels  # noqa: F401  (registers the edition's links and figures)
        from .models import Product, Stock
        from .signals import connect

        audit.register(Product, exclude=("search_text",))
        audit.register(Stock)
        connect()  # products from accepted applications
