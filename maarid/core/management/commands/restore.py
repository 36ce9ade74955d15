"""Brings back a backup made by ``maarid backup``: the database and the uploaded files."""

import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        if not options["yes"] and input("This replaces all current data. Type yes: ") != "yes":
            raise CommandError("cancelled")
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
            dump = Path(tmp) / "database.json"
            if not dump.exists():
                raise CommandError("not a Maarid backup: database.json is missing")
            call_command("migrate", interactive=False, verbosity=0)
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(dump), verbosity=0)
            uploads = Path(settings.MEDIA_ROOT)
            if (Path(tmp) / "uploads").exists():
                if uploads.exists():
                    shutil.rmtree(uploads)
                shutil.copytree(Path(tmp) / "uploads", uploads)
        self.stdout.write(f"restored {path}")
