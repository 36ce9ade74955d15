"""Sends the programme's reminders that are due (the day before, an hour before), once each.
Run it every few minutes (cron, a systemd timer): ``maarid programme-reminders``."""

from typing import Any

from django.core.management.base import BaseCommand

from maarid.programme import services


class Command(BaseCommand):
    help = "Send the programme's reminders that are due (the day before, an hour before)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders()
        self.stdout.write(f"{sent} reminder(s) queued in the outbox.")
