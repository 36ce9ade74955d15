from django.db import migrations, models
from django.db.models import Count


def refuse_doubled_sales(apps, schema_editor):
    """A ledger where one sale was recorded twice (sent by two devices of a stand before this
    migration) cannot take the new rule, and ledger rows are never deleted by a migration: stop
    and name them, for whoever runs the server to settle with the exhibitor."""
    Sale = apps.get_model("sales", "Sale")
    doubled = list(
        Sale.objects.values("edition_id", "uuid")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("uuid", flat=True)[:20]
    )
    if doubled:
        raise RuntimeError(
            "These sales were recorded more than once (by several devices): "
            + ", ".join(map(str, doubled))
            + ". Settle them before migrating: this rule keeps one sale per UUID and edition."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_doubled_sales, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="sale", name="sale_once_per_device"),
        migrations.AddConstraint(
            model_name="sale",
            constraint=models.UniqueConstraint(
                fields=("edition", "uuid"), name="sale_once_per_edition"
            ),
        ),
    ]
