"""On PostgreSQL, an index of the search vocabularies in byte order: a prefix of the query is
spelt out into the words it begins (maarid/catalogue/search.py, _spelled_out)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from maarid.catalogue.search import install_prefixes

    install_prefixes(schema_editor)


def backwards(apps, schema_editor):
    from maarid.catalogue.search import uninstall_prefixes

    uninstall_prefixes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_search_forms")]
    operations = [migrations.RunPython(forwards, backwards)]
