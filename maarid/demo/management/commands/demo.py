"""``maarid demo``: a working Maarid in one command, with the reference fair loaded.

Migrates the database, loads (or refreshes) the demo, prints where to go and how to sign in, then
serves the site. ``--no-serve`` stops after printing, for scripts and tests.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from maarid.demo import content
from maarid.demo.loader import load_demo


class Command(BaseCommand):
    help = "Loads the demo fair (the 3rd SSE fair of Tanger-Tétouan-Al Hoceima) and serves it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo and stop; do not serve it."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (8000).")
        parser.add_argument(
            "--workers", type=int, default=None, help="Web workers (the serve command's default)."
        )

    def handle(self, *args, no_serve=False, port=8000, workers=None, verbosity=1, **options):
        self.stdout.write("Preparing the database…")
        # Quiet by default: the list of migrations means nothing to someone trying the demo.
        call_command(
            "migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout
        )
        self.stdout.write("Loading the demo fair…")
        started = time.perf_counter()
        summary = load_demo()
        self.stdout.write(
            f"Loaded {summary.organisation_count} organisations and "
            f"{summary.series.editions.count()} editions in "
            f"{time.perf_counter() - started:.1f} s."
        )
        self.print_logins(port, summary.reference_edition)
        if not no_serve:
            serve_options = {"port": port}
            if workers is not None:
                serve_options["workers"] = workers
            call_command("serve", **serve_options)

    def print_logins(self, port, edition):
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Maarid demo: {url}"))
        self.stdout.write(f"  {edition.name_fr}, {edition.venue_fr}, {edition.city.name_fr}")
        self.stdout.write("")
        self.stdout.write("Sign in with one of these demo accounts (username / password):")
        width = max(len(username) for username, *_ in content.DEMO_ACCOUNTS)
        for username, password, role, _, _, about in content.DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<10} {username:<{width}}  {password:<20}  {about}")
        self.stdout.write("These passwords are public: never expose the demo to the internet.")
