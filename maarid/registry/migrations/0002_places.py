from django.db import migrations


def load(apps, schema_editor):
    from maarid.registry.places import load_places

    load_places(apps.get_model("registry", "Region"), apps.get_model("registry", "Province"),
                apps.get_model("registry", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
