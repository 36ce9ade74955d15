"""The programme's certificates: participation for the people checked in (and nobody else),
speakers, exhibitors, partners; made in a batch by an organiser, downloaded alone or all in a
zip, corrected (a new version) and revoked, sent by e-mail or SMS on request."""

import io
import re
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from maarid.core.messaging import LocmemSMSBackend
from maarid.core.models import Certificate, Job
from maarid.fairs.models import Partner
from maarid.programme import certificates, services
from tests.conftest import client_for
from tests.documents import body, download_link, job_of, needs_poppler, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(session, organiser):
    """Three people registered; two came (one typed at the door, one by QR) and one walked in."""
    came = [
        services.register(actor=None, session=session, **p)
        for p in (
            {"name": "فاطمة الزهراء بنعلي", "phone": "0661234501", "language": "ar"},
            {"name": "Karim Ouazzani", "email": "karim@example.ma", "language": "fr"},
        )
    ]
    services.register(actor=None, session=session, name="Absent Person", phone="0661234503")
    for n, registration in enumerate(came):
        services.check_in(
            actor=organiser, session=session, code=registration.code, key=f"door-key-{n}"
        )
    services.walk_in(actor=organiser, session=session, name="Samira Walk-in", key="walk-in-key-1")
    return came


def url(edition, name, *args):
    return reverse(f"programme:{name}", args=[edition.series.slug, edition.number, *args])


def make(client, edition, kind):
    """An organiser asks for a batch: the page sends them to the job's page."""
    return job_of(client.post(url(edition, "certificates-make"), {"kind": kind}))


def test_only_the_people_checked_in_get_a_participation_certificate(edition, organiser, attended):
    made = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    holders = {c.holder_name_ar or c.holder_name_latin for c in made}
    assert holders == {"فاطمة الزهراء بنعلي", "Karim Ouazzani", "Samira Walk-in"}
    # An Arabic name goes in the Arabic line, a Latin one in the Latin line.
    fatima = next(c for c in made if c.holder_name_ar)
    assert fatima.holder_name_latin == "" and fatima.language == "ar"
    assert all("E-marketing pour les coopératives" in str(c.lines) for c in made)


def test_a_batch_made_twice_gives_nobody_two_certificates(edition, organiser, attended, session):
    first = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    services.walk_in(actor=organiser, session=session, name="Late Comer", key="walk-in-key-2")
    second = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    assert len(second) == len(first) + 1
    assert {c.pk for c in first} < {c.pk for c in second}
    assert Certificate.objects.count() == 4


def test_speakers_exhibitors_and_partners_get_theirs(
    edition, organiser, session, speaker, stand, cooperative
):
    Partner.objects.create(edition=edition, organisation=cooperative, role="institutional")
    speakers = certificates.issue(actor=organiser, edition=edition, kind=certificates.SPEAKER)
    assert [(c.holder_name_ar, c.holder_name_latin) for c in speakers] == [
        ("سعاد العلمي", "Souad El Alami")
    ]
    assert "E-marketing pour les coopératives" in str(speakers[0].lines)
    exhibitors = certificates.issue(actor=organiser, edition=edition, kind=certificates.EXHIBITOR)
    assert [c.holder_name_latin for c in exhibitors] == [cooperative.name_fr]
    partners = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTNER)
    assert partners[0].title_fr == "Certificat d'appréciation"


@needs_poppler
def test_an_organiser_makes_the_batch_and_downloads_the_zip_and_each_pdf(
    edition, organiser, attended
):
    client = client_for(organiser)
    job = make(client, edition, "participation")
    assert job.status == Job.Status.DONE, job.error
    assert job.progress == 100 and job.result["count"] == 3
    response = client.get(download_link(client, job))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        names = archive.namelist()
        assert len(names) == 3
        texts = [text_of(archive.read(n)) for n in names]
    joined = re.sub("[\u202a-\u202e]", "", "\n".join(texts))
    assert "فاطمة الزهراء بنعلي" in joined and "Karim Ouazzani" in joined
    assert "شهادة مشاركة" in joined and "Certificat de participation" in joined
    assert "« E-marketing pour les coopératives »" in joined
    assert "التسويق الإلكتروني" in joined
    one = Certificate.objects.get(holder_name_latin="Karim Ouazzani")
    pdf = client.get(url(edition, "certificate-pdf", one.pk))
    assert pdf.status_code == 200 and body(pdf).startswith(b"%PDF")


def test_others_cannot_make_or_download_certificates(edition, exhibitor, other_organiser):
    for user in (exhibitor, other_organiser):
        client = client_for(user)
        assert (
            client.post(url(edition, "certificates-make"), {"kind": "speaker"}).status_code == 403
        )
        assert client.get(url(edition, "certificates-zip") + "?file=" + "0" * 32).status_code == 403
    assert not Job.objects.exists()


def test_a_made_up_kind_or_zip_is_refused_with_a_message(edition, organiser):
    client = client_for(organiser)
    response = client.post(url(edition, "certificates-make"), {"kind": "diploma"}, follow=True)
    assert "Choose which certificates to make." in response.content.decode()
    assert client.get(url(edition, "certificates-zip") + "?file=../../x").status_code == 404
    assert client.get(url(edition, "certificate", 999999)).status_code == 404


def test_correcting_a_name_issues_a_new_version_and_the_old_code_says_so(
    edition, organiser, attended
):
    made = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    old = next(c for c in made if c.holder_name_latin == "Karim Ouazzani")
    client = client_for(organiser)
    response = client.post(
        url(edition, "certificate-correct", old.pk),
        {"holder_name_ar": "كريم الوزاني", "holder_name_latin": "Karim Ouazzani"},
    )
    new = Certificate.objects.get(replaces=old)
    assert response["Location"] == url(edition, "certificate", new.pk)
    assert new.holder_name_ar == "كريم الوزاني" and new.code != old.code
    check = client.get(old.get_absolute_url()).content.decode()
    assert "replaced by a corrected version" in check
    # The batch made again does not give Karim his first version back.
    again = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    assert new.pk in {c.pk for c in again} and old.pk not in {c.pk for c in again}
    long = client.post(
        url(edition, "certificate-correct", new.pk),
        {"holder_name_ar": "", "holder_name_latin": "x" * 5000},
        follow=True,
    )
    assert "200 characters at most" in long.content.decode()
    assert (
        Certificate.objects.filter(replaced_at__isnull=True, revoked_at__isnull=True).count() == 3
    )


def test_revoking_says_so_on_the_public_page_with_the_date(edition, organiser, attended):
    made = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    client = client_for(organiser)
    client.post(url(edition, "certificate-revoke", made[0].pk), {"reason": "Doublon"})
    made[0].refresh_from_db()
    assert made[0].revoked_at is not None
    page = client.get(made[0].get_absolute_url()).content.decode()
    assert "This certificate was revoked on" in page and "Doublon" in page
    # Revoked: it is not sent any more.
    response = client.post(url(edition, "certificate-send", made[0].pk), {"channel": "sms"})
    assert response.status_code == 302
    assert LocmemSMSBackend.outbox == []


def test_a_certificate_is_sent_by_sms_or_e_mail_on_request(edition, organiser, attended):
    made = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    client = client_for(organiser)
    fatima = next(c for c in made if c.holder_name_ar)
    client.post(url(edition, "certificate-send", fatima.pk), {"channel": "sms"})
    assert len(LocmemSMSBackend.outbox) == 1
    assert f"/ar/verify/{fatima.display_code}/pdf/" in LocmemSMSBackend.outbox[0]["text"]
    karim = next(c for c in made if c.holder_name_latin == "Karim Ouazzani")
    client.post(url(edition, "certificate-send", karim.pk), {"channel": "email"})
    assert len(mail.outbox) == 1 and karim.display_code in mail.outbox[0].body
    # The link opens the PDF for whoever holds it, without an account.
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    pdf = client_for(None).get(urlsplit(link).path)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Nobody to send to: a clear message.
    walk_in = next(c for c in made if c.holder_name_latin == "Samira Walk-in")
    response = client.post(
        url(edition, "certificate-send", walk_in.pk), {"channel": "email"}, follow=True
    )
    with translation.override("fr"):  # the organisers' pages here are the French ones
        expected = gettext("There is no e-mail address for this person.")
    assert escape(expected) in response.content.decode()


def test_the_organisers_pages_list_and_show_the_certificates(edition, organiser, attended):
    certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    client = client_for(organiser)
    listing = client.get(url(edition, "certificates"))
    assert listing.status_code == 200
    assert "Karim Ouazzani" in listing.content.decode()
    one = Certificate.objects.get(holder_name_latin="Karim Ouazzani")
    page = client.get(url(edition, "certificate", one.pk))
    assert page.status_code == 200 and one.display_code in page.content.decode()
    ar = client.get(
        reverse("programme:certificates", args=[edition.series.slug, edition.number]).replace(
            "/en/", "/ar/"
        )
    )
    assert ar.status_code == 200 and 'dir="rtl"' in ar.content.decode()
