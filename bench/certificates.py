"""Benchmark: 1,000 Arabic participation certificates, each a PDF, and the zip of them all,
made by the real job (``programme.certificates.make_certificates``: who came, the certificates
issued, their PDFs laid out fifty at a time and split, kept, zipped).

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (created if missing), migrated; an edition with
ten sessions of a hundred people checked in, Arabic names. The task runs in this process (the
tasks backend is the immediate one: no worker's polling in the figure; the layout itself goes
to two worker processes). Prints ``{"bench": "certificates", "count": 1000, "seconds": …}``,
with ``pdf_seconds`` (laying out and writing the PDFs), ``zip_seconds`` and ``cpu_seconds``
(processor time of this process and its workers) beside it.
``.venv/bin/python bench/certificates.py``.
"""

import datetime
import io
import json
import resource
import sys
import time
import zipfile
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

SERIES = "bench-certificates"
SESSIONS = 10
PER_SESSION = 100
FIRST_NAMES = ["فاطمة الزهراء", "محمد", "خديجة", "يوسف", "سعاد", "عبد الرحيم", "نادية", "كريم"]
LAST_NAMES = ["بنعلي", "العلمي", "الوزاني", "التطواني", "الإدريسي", "الحسني", "الريفي"]
TETOUAN = zoneinfo.ZoneInfo("Africa/Casablanca")


def prepare():
    """The bench's edition, sessions and the people checked in; its certificates removed.
    Returns the edition and an organiser."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from maarid.core.models import Certificate, User
    from maarid.fairs.models import Edition, Series
    from maarid.programme import certificates
    from maarid.programme.models import CheckIn, Holder, Registration, Room, Session
    from maarid.registry.models import Commune

    series, _ = Series.objects.get_or_create(
        slug=SERIES,
        defaults={"name_fr": "Salon régional de l'ESS", "name_ar": "المعرض الجهوي للاقتصاد"},
    )
    start = datetime.date(2024, 5, 31)
    edition, _ = Edition.objects.get_or_create(
        series=series,
        number=1,
        defaults={
            "name_fr": "3e Salon régional de l'économie sociale et solidaire",
            "name_ar": "المعرض الجهوي الثالث للاقتصاد الاجتماعي والتضامني",
            "city": Commune.objects.filter(name_fr__icontains="tétouan").first()
            or Commune.objects.order_by("pk").first(),
            "starts_on": start,
            "ends_on": start + datetime.timedelta(days=9),
            "status": Edition.Status.RUNNING,
        },
    )
    group = certificates.group_of(edition)
    Certificate.objects.filter(group=group).update(replaced_by=None)
    Certificate.objects.filter(group=group).delete()
    CheckIn.objects.filter(session__edition=edition).delete()
    Registration.objects.filter(edition=edition).delete()
    Session.objects.filter(edition=edition).delete()
    room, _ = Room.objects.get_or_create(
        edition=edition, name_fr="Tente A", defaults={"name_ar": "الخيمة أ", "capacity": 200}
    )
    holder = Holder.objects.create()
    for s in range(SESSIONS):
        day = start + datetime.timedelta(days=s)
        begins = datetime.datetime.combine(day, datetime.time(10), tzinfo=TETOUAN)
        session = Session.objects.create(
            edition=edition,
            kind=Session.Kind.SEMINAR,
            title_ar=f"التسويق الإلكتروني للتعاونيات {s + 1}",
            title_fr=f"E-marketing pour les coopératives {s + 1}",
            room=room,
            capacity=200,
            starts_at=begins,
            ends_at=begins + datetime.timedelta(hours=2),
            published=True,
        )
        registrations = Registration.objects.bulk_create(
            Registration(
                session=session,
                edition=edition,
                holder=holder,
                name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}",
                phone=f"+2126{s:02d}{n:06d}",
                language="ar",
                code=f"B{s:02d}{n:05d}",
            )
            for n in range(PER_SESSION)
        )
        CheckIn.objects.bulk_create(
            CheckIn(session=session, registration=r, key=f"bench-{s}-{n}")
            for n, r in enumerate(registrations)
        )
    organiser, _ = User.objects.get_or_create(
        username="bench-certificates", defaults={"is_superuser": True, "is_staff": True}
    )
    return edition, organiser


def _cpu() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    with common.session("maarid-bench-certificates-") as run:
        run.configure()
        edition, organiser = prepare()
        from django.core.files.storage import default_storage
        from django.test.utils import override_settings
        from django.utils import translation

        from maarid.core import certificates as core_certificates
        from maarid.core import jobs
        from maarid.core.models import Certificate, Job
        from maarid.programme import certificates

        # The real task, run in this process as soon as it is queued.
        immediate = override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        )
        immediate.enable()
        timings: dict[str, float] = {}
        original_files, original_zip = core_certificates.make_files, core_certificates.make_zip

        def make_files(*args, **kwargs):
            began = time.monotonic()
            try:
                return original_files(*args, **kwargs)
            finally:
                timings["pdf"] = time.monotonic() - began

        def make_zip(*args, **kwargs):
            began = time.monotonic()
            try:
                return original_zip(*args, **kwargs)
            finally:
                timings["zip"] = time.monotonic() - began

        core_certificates.make_files, core_certificates.make_zip = make_files, make_zip
        common.log("making the certificates")
        with translation.override("ar"):
            cpu_began = _cpu()
            began = time.monotonic()
            job = jobs.start(
                certificates.make_certificates,
                kind=certificates.JOB_KIND,
                user=organiser,
                series_id=edition.series_id,
                series=edition.series.slug,
                number=edition.number,
                certificate_kind=certificates.PARTICIPATION,
            )
            seconds = time.monotonic() - began
            cpu = _cpu() - cpu_began
        job.refresh_from_db()
        assert job.status == Job.Status.DONE, (job.status, job.error)
        made = Certificate.objects.filter(group=certificates.group_of(edition))
        count = made.count()
        key = job.result["download"].rsplit("=", 1)[-1]
        name = core_certificates.stored_zip(certificates.group_of(edition), key)
        assert name is not None
        with default_storage.open(name, "rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as z:
            entries = len(z.namelist())
        assert count == entries == SESSIONS * PER_SESSION, (count, entries)
        assert all(made.filter(language="ar").values_list("pk", flat=True)) and (
            made.exclude(language="ar").count() == 0
        )
        line = {
            "bench": "certificates",
            "count": count,
            "seconds": round(seconds, 1),
            "pdf_seconds": round(timings.get("pdf", 0), 1),
            "zip_seconds": round(timings.get("zip", 0), 1),
            # Processor time of this process and its workers: the figure to read on a
            # machine others are using (the wall time then mostly measures them).
            "cpu_seconds": round(cpu, 1),
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
