"""Certificates anyone can verify: unguessable codes, a public page that tells genuine from
revoked, replaced and unknown, PDFs whose Arabic and French text is real text, batches in a zip."""

import io
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation

from maarid.core import certificates, jobs, selectors, services
from maarid.core.certificates import CertificateSpec, Issuer
from maarid.core.models import Certificate, Job
from tests.core.test_csp import directives
from tests.documents import needs_poppler, text_of

pytestmark = pytest.mark.django_db

ISSUER = Issuer(
    group="test:1",
    series_id=None,
    name_ar="المعرض الجهوي للاقتصاد الاجتماعي والتضامني",
    name_fr="Salon régional de l'économie sociale et solidaire",
    place_ar="تطوان",
    place_fr="Tétouan",
    partners=(
        {"name_ar": "وكالة التنمية الاجتماعية", "name_fr": "Agence de Développement Social"},
    ),
)


def spec(n: int, **extra) -> CertificateSpec:
    fields = {
        "kind": "test.participation",
        "subject": f"person:{n}",
        "title_ar": "شهادة مشاركة",
        "title_fr": "Certificat de participation",
        "holder_name_ar": "فاطمة الزهراء بنعلي",
        "holder_name_latin": f"Fatima Zahra Benali {n}",
        "lines": (
            (
                "لحضورها ندوة تدبير التعاونيات",
                "pour sa présence au séminaire « Gestion des coopératives »",
            ),
        ),
        **extra,
    }
    return CertificateSpec(**fields)


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def issue(count=1, **extra) -> list[Certificate]:
    return services.issue_certificates(
        actor=None, issuer=ISSUER, specs=[spec(n, **extra) for n in range(count)]
    )


def logical(text: str) -> str:
    """pdftotext's text without the bidi embedding marks it puts around right-to-left runs."""
    return re.sub("[\u202a-\u202e\u200e\u200f]", "", text)


# --- Codes ----------------------------------------------------------------------------------------


def test_codes_are_long_random_and_use_no_ambiguous_character():
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 16
        assert not set(code) & set("01ILOUV")
    # Every character of the alphabet turns up: the draw is not biased to a few.
    assert set("".join(codes)) == set(certificates.ALPHABET)


def test_each_certificate_gets_its_own_code_and_a_batch_made_again_issues_nothing_twice():
    first = issue(30)
    assert len({c.code for c in first}) == 30
    again = issue(30)
    assert [c.pk for c in again] == [c.pk for c in first]
    assert Certificate.objects.count() == 30


@pytest.mark.parametrize(
    "typed",
    [
        "k7qm-x3pa-9htr-wdze",
        " K7QM X3PA 9HTR WDZE ",
        "K7QMX3PA9HTRWDZE",
        "https://x.ma/ar/verify/K7QM-X3PA-9HTR-WDZE/",
    ],
)
def test_a_code_is_read_however_it_was_typed_or_scanned(typed):
    assert certificates.normalise_code(typed) == "K7QMX3PA9HTRWDZE"


@pytest.mark.parametrize(
    "bad", ["", "K7QM", "O" * 16, "K7QM-X3PA-9HTR-WDZE1", "x" * 5000, None, 12]
)
def test_what_cannot_be_a_code_is_refused(bad):
    assert certificates.normalise_code(bad) is None


# --- The verification page -----------------------------------------------------------------


def verify(code, language="en", client=None):
    with translation.override(language):
        url = reverse("core:verify", args=[code])
    return (client or Client()).get(url)


def test_a_genuine_certificate_says_so_with_the_holders_name():
    certificate = issue()[0]
    response = verify(certificate.display_code)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Genuine certificate" in page
    assert "Fatima Zahra Benali 0" in page and "فاطمة الزهراء بنعلي" in page


def test_a_code_typed_in_lower_case_without_dashes_finds_it():
    certificate = issue()[0]
    assert "Genuine certificate" in verify(certificate.code.lower()).content.decode()


def test_a_revoked_certificate_says_when_and_why():
    certificate = issue()[0]
    services.revoke_certificate(actor=None, certificate=certificate, reason="Absent ce jour-là")
    page = verify(certificate.display_code).content.decode()
    assert "This certificate was revoked on" in page
    assert "Absent ce jour-là" in page
    assert "Genuine certificate" not in page
    assert selectors.verify(certificate.code).status == certificates.REVOKED


def test_a_corrected_name_is_a_new_version_and_the_old_code_says_it_was_replaced(organiser):
    old = issue()[0]
    new = services.correct_certificate(
        actor=organiser,
        certificate=old,
        holder_name_ar="فاطمة بنعلي",
        holder_name_latin="Fatima Benali",
    )
    assert new.code != old.code and new.subject == old.subject
    page = verify(old.display_code).content.decode()
    assert "replaced by a corrected version" in page
    assert new.display_code in page  # a link to the version in force
    assert "Genuine certificate" in verify(new.display_code).content.decode()
    # The batch made again keeps the corrected version: nothing issued twice.
    assert [c.pk for c in issue()] == [new.pk]


def test_only_a_certificate_in_force_is_corrected_or_revoked_once(organiser):
    old = issue()[0]
    services.correct_certificate(
        actor=organiser, certificate=old, holder_name_ar="", holder_name_latin="F. Benali"
    )
    with pytest.raises(Exception, match="no longer in force"):
        services.correct_certificate(
            actor=organiser, certificate=old, holder_name_ar="", holder_name_latin="Other"
        )
    current = Certificate.objects.get(replaced_at__isnull=True)
    services.revoke_certificate(actor=organiser, certificate=current, reason="Erreur")
    with pytest.raises(Exception, match="already been revoked"):
        services.revoke_certificate(actor=organiser, certificate=current, reason="Erreur")


def test_a_name_of_5000_characters_is_refused_with_a_message():
    with pytest.raises(Exception, match="200 characters at most"):
        issue(holder_name_latin="x" * 5000)
    assert not Certificate.objects.exists()


def test_an_unknown_code_is_a_404_that_says_so():
    response = verify("K7QM-X3PA-9HTR-WDZE")
    assert response.status_code == 404
    assert "No certificate has this code" in response.content.decode()


@pytest.mark.parametrize(
    "bad", ["x", "%F0%9F%98%80", "'; DROP TABLE x;--", "A" * 3000, "٠١٢٣", "..", "<script>"]
)
def test_bad_codes_never_give_a_500(bad):
    response = Client().get(f"/ar/verify/{bad}/")
    assert response.status_code in (404, 400), response.status_code


def test_the_verification_page_works_in_arabic_right_to_left():
    certificate = issue()[0]
    page = verify(certificate.display_code, "ar").content.decode()
    assert 'dir="rtl"' in page
    assert "شهادة مشاركة" in page


def test_lookups_are_throttled_per_client_address(settings):
    settings.MAARID_VERIFY_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    answers = [verify("K7QM-X3PA-9HTR-WDZE", client=client).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    # Another address is not held back by the first one's lookups.
    assert (
        verify("K7QM-X3PA-9HTR-WDZE", client=Client(REMOTE_ADDR="203.0.113.10")).status_code == 404
    )


def test_the_check_form_sends_a_typed_or_scanned_code_to_its_page():
    response = Client().get(
        "/fr/verify/", {"code": "https://maarid.ma/ar/verify/k7qm-x3pa-9htr-wdze/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/verify/K7QM-X3PA-9HTR-WDZE/"
    bad = Client().get("/en/verify/", {"code": "nonsense"})
    assert bad.status_code == 400
    assert "This is not a certificate code" in bad.content.decode()


def test_the_check_page_may_run_the_scanners_worker_and_nothing_more():
    response = Client().get("/fr/verify/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["script-src"] == ["'self'"]
    # Other pages keep workers to this server only.
    assert "blob:" not in Client().get("/fr/about/")["Content-Security-Policy"]


# --- The PDFs ------------------------------------------------------------------------------


@needs_poppler
def test_the_pdf_holds_the_arabic_in_reading_order_and_the_french_text():
    certificate = issue()[0]
    text = logical(text_of(certificates.render_one(certificate)))
    for words in (
        "شهادة مشاركة",
        "فاطمة الزهراء بنعلي",
        "لحضورها ندوة تدبير التعاونيات",
        "المعرض الجهوي للاقتصاد الاجتماعي والتضامني",
    ):
        assert words in text, text
    assert "Certificat de participation" in text
    assert "« Gestion des coopératives »" in text
    assert "Fatima Zahra Benali 0" in text
    assert certificate.display_code in text
    assert f"/ar/verify/{certificate.display_code}/" in text


@needs_poppler
def test_a_batch_gives_one_pdf_per_certificate_each_with_its_own_name():
    made = issue(7)
    names = certificates.make_files(made)
    assert len(names) == 7
    for certificate, name in zip(made, names, strict=True):
        with default_storage.open(name, "rb") as f:
            text = text_of(f.read())
        assert certificate.holder_name_latin in text
        assert text.count("Certificat de participation") == 1  # one page, one certificate


def test_a_very_long_title_still_gives_each_certificate_its_own_file():
    made = issue(3, lines=tuple(("سطر " * 40, "ligne " * 40) for _ in range(12)))
    bodies = dict(certificates.render(made))
    assert len(bodies) == 3
    assert all(body.startswith(b"%PDF") for body in bodies.values())


def test_the_zip_holds_every_certificate_of_the_batch():
    made = issue(12)
    key = certificates.make_zip(ISSUER.group, made)
    name = certificates.stored_zip(ISSUER.group, key)
    assert name is not None
    with default_storage.open(name, "rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as archive:
        entries = archive.namelist()
        assert len(entries) == 12
        assert all(archive.read(e).startswith(b"%PDF") for e in entries)
    assert {e.rsplit("-", 1)[-1].removesuffix(".pdf") for e in entries} == {c.code for c in made}
    assert certificates.stored_zip(ISSUER.group, "../../etc/passwd") is None


def test_a_batch_job_reports_its_progress_and_offers_the_zip(organiser):
    made = issue(5)
    job = Job.objects.create(kind="test.certificates", user=organiser, language="en")
    with jobs.running(job.pk) as running:
        certificates.make_batch_in(running, ISSUER.group, made, "/en/somewhere/zip/")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.progress == 100
    assert job.result["count"] == 5
    assert re.fullmatch(r"/en/somewhere/zip/\?file=[0-9a-f]{32}", job.result["download"])


@needs_poppler
def test_a_large_batch_is_laid_out_by_worker_processes_in_the_same_order(monkeypatch, caplog):
    made = issue(5)
    monkeypatch.setattr(certificates, "CHUNK", 2)
    monkeypatch.setattr(certificates, "POOL_FROM", 4)
    started = []
    monkeypatch.setattr(certificates, "ProcessPoolExecutor", _Counting(started))
    bodies = list(certificates.render(made))
    assert started, "the batch was not given to worker processes"
    assert "laying out in this process" not in caplog.text  # they did it, not a fallback
    assert [c.pk for c, _ in bodies] == [c.pk for c in made]
    for certificate, pdf in bodies:
        assert certificate.holder_name_latin in text_of(pdf)


class _Counting:
    """ProcessPoolExecutor, noting that it was asked for."""

    def __init__(self, started):
        self.started = started

    def __call__(self, *args, **kwargs):
        from concurrent.futures import ProcessPoolExecutor

        self.started.append(args)
        return ProcessPoolExecutor(*args, **kwargs)
