from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maarid.api"
    label = "maarid_api"
    verbose_name = "API"
