"""Saves the database and the uploaded files into one archive."""

import datetime
import io
import json
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Save the database and the uploaded files to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="where to write (default: MAARID_DATA_DIR/backups/maarid-<time>.tar.gz)",
        )

    def handle(self, *args, **options):
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(
            options["archive"] or settings.DATA_DIR / "backups" / f"maarid-{stamp}.tar.gz"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        dump = io.StringIO()
        # A natural-key JSON dump works on SQLite and PostgreSQL alike, and between them.
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=["contenttypes", "auth.permission", "sessions", "django_tasks_database"],
            stdout=dump,
        )
        data = dump.getvalue().encode()
        meta = json.dumps({"version": settings.MAARID_VERSION, "created": stamp}).encode()
        with tarfile.open(target, "w:gz") as archive:
            for name, payload in (("database.json", data), ("meta.json", meta)):
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                archive.addfile(info, io.BytesIO(payload))
            uploads = Path(settings.MEDIA_ROOT)
            if uploads.exists():
                archive.add(uploads, arcname="uploads")
        self.stdout.write(str(target))
