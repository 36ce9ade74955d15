"""Search looks for the forms of Arabic words without their attached particles and their stems
(core.text.searchable): the search texts of organisations and products are made again to hold
them. Going back leaves them: the old search finds as much in the longer texts."""

from django.db import migrations


def reindex(apps, schema_editor):
    from maarid.catalogue.search import reindex

    reindex(apps.get_model("registry", "Organisation"), apps.get_model("catalogue", "Product"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
