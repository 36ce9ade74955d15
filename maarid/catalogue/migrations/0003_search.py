"""Search indexes (see maarid/catalogue/search.py): on PostgreSQL the pg_trgm extension, a GIN
full-text index and a GIN trigram index on the search text of products and organisations; on
SQLite FTS5 tables kept in step by triggers. Other databases get nothing (search.py needs one
of these two)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from maarid.catalogue.search import install

    install(schema_editor)


def backwards(apps, schema_editor):
    from maarid.catalogue.search import uninstall

    uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_taxonomy"), ("registry", "0003_slug_blank")]
    operations = [migrations.RunPython(forwards, backwards)]
