"""The catalogue listens to the exhibitors app (which sits above it and must not import it):
when an organisation becomes an active exhibitor through an accepted application, the products
that application listed become the organisation's products."""

from django.db.models.signals import post_save

from maarid.exhibitors.models import Exhibitor

from . import services


def exhibitor_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or instance.status != Exhibitor.Status.ACTIVE or not instance.application_id:
        return
    services.products_from_application(application=instance.application)


def connect():
    post_save.connect(
        exhibitor_saved, sender=Exhibitor, dispatch_uid="catalogue-products-from-application"
    )
