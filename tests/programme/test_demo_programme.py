"""The demo's programme (maarid/demo/programme.py): 40 sessions over the ten days on the fair's
themes, led by speakers of the partner institutions, a few thousand registrations that never
over-fill a session, attendance that only counts registered people and walk-ins within the
places; loading it again gives the same programme, not a second one."""

import datetime
import time

import pytest
from django.core.files.storage import default_storage
from django.db.models import Count, Q

from maarid.core import certificates as core_certificates
from maarid.core import selectors as core_selectors
from maarid.core.models import Certificate
from maarid.demo import programme
from maarid.programme import certificates
from maarid.programme.models import CheckIn, Registration, Session, Speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(edition, organiser):
    return programme.load(edition)


def test_forty_sessions_over_the_ten_days_on_the_fairs_themes(edition, loaded):
    sessions = Session.objects.filter(edition=edition, published=True)
    assert sessions.count() == 40
    days = {s.starts_at.astimezone(programme.LOCAL).date() for s in sessions}
    assert days == set(edition.dates())
    tracks = set(sessions.exclude(track=None).values_list("track__name_fr", flat=True))
    assert "Vendre en ligne depuis son téléphone" in tracks and len(tracks) == 8
    assert all(s.title_ar and s.title_fr for s in sessions)


def test_speakers_come_from_the_partner_institutions(edition, loaded):
    affiliations = set(
        Speaker.objects.filter(edition=edition).values_list("affiliation_fr", flat=True)
    )
    assert "Office du Développement de la Coopération (ODCO)" in affiliations
    assert "Dar Al Moukawil" in affiliations


def test_a_few_thousand_registrations_never_over_fill_a_session(edition, loaded):
    assert 2000 <= loaded == Registration.objects.filter(edition=edition).count() <= 5000
    over = Session.objects.annotate(
        n=Count("registrations", filter=Q(registrations__status="registered"))
    ).filter(n__gt=models_capacity())
    assert not over.exists()
    assert Registration.objects.filter(status=Registration.Status.WAITING).exists()


def models_capacity():
    from django.db.models import F

    return F("capacity")


def test_attendance_counts_registered_people_and_walk_ins_within_the_places(edition, loaded):
    assert CheckIn.objects.filter(registration__status=Registration.Status.WAITING).count() == 0
    assert CheckIn.objects.filter(registration__status=Registration.Status.CANCELLED).count() == 0
    for session in Session.objects.filter(edition=edition):
        registered = session.registrations.filter(status="registered").count()
        walk_ins = session.check_ins.filter(registration=None).count()
        assert registered + walk_ins <= session.capacity
    assert CheckIn.objects.count() > 0.6 * Registration.objects.filter(status="registered").count()


def test_the_people_checked_in_at_a_few_sessions_and_every_speaker_have_certificates(
    edition, loaded
):
    issued = Certificate.objects.filter(group=certificates.group_of(edition))
    participation = issued.filter(kind=certificates.kind_of(certificates.PARTICIPATION))
    certified = {int(c.subject.split(":")[1]) for c in participation}
    came = CheckIn.objects.filter(pk__in=certified)
    sessions = set(came.values_list("session_id", flat=True))
    assert len(sessions) == programme.CERTIFIED_SESSIONS
    assert {Session.objects.get(pk=pk).kind for pk in sessions} <= {"workshop", "training"}
    # Everyone who came to those sessions, nobody else: one certificate each.
    assert (
        len(certified)
        == participation.count()
        == CheckIn.objects.filter(session__in=sessions).count()
    )
    speakers = issued.filter(kind=certificates.kind_of(certificates.SPEAKER))
    assert speakers.count() == Speaker.objects.filter(edition=edition).count()
    assert all(c.holder_name_ar and c.holder_name_latin for c in speakers)
    # Issued the day after the fair, in force, checkable; no PDF laid out by the demo.
    assert {c.issued_at.astimezone(programme.LOCAL).date() for c in issued} == {
        edition.ends_on + datetime.timedelta(days=1)
    }
    one = participation.first()
    assert core_selectors.verify(one.display_code).status == "genuine"
    assert not any(default_storage.exists(core_certificates.file_name(c)) for c in issued[:20])


def test_loading_again_gives_the_same_programme(edition, loaded):
    codes = set(Registration.objects.values_list("code", flat=True))
    issued = Certificate.objects.count()
    started = time.monotonic()
    assert programme.load(edition) == loaded
    assert time.monotonic() - started < 20
    assert Session.objects.filter(edition=edition).count() == 40
    assert set(Registration.objects.values_list("code", flat=True)) == codes
    # The certificates are issued again for the new check-ins, not added to the old ones.
    assert Certificate.objects.count() == issued
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()
