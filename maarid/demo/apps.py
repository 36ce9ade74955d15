from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "maarid.demo"
    label = "demo"
    verbose_name = "Demo"
