from django.db import migrations


def load(apps, schema_editor):
    from maarid.catalogue.taxonomy import load as load_taxonomy

    load_taxonomy(apps.get_model("catalogue", "Category"), apps.get_model("catalogue", "Label"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
