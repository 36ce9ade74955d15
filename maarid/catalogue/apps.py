from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "maarid.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from maarid.core import audit

        # Registers the edition's links and figures, and the products of accepted applications.
        from . import panels  # noqa: F401
        from .models import Product, Stock

        audit.register(Product, exclude=("search_text",))
        audit.register(Stock)
