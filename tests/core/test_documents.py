"""Documents made in the background (core.pdf): kept by the fingerprint of what they show,
laid out with their progress followed page by page, offered by their job's page."""

import pytest
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from maarid.core import jobs, pdf
from maarid.core.models import Job
from tests.conftest import client_for, make_user
from tests.documents import needs_poppler, template_file, text_of

pytestmark = [pytest.mark.django_db, needs_poppler]

TEMPLATE = """{% extends "core/pdf_base.html" %}
{% block header %}<h1>{{ title }}</h1>{% endblock %}
{% block content %}{% for line in lines %}<p class="line">{{ line }}</p>{% endfor %}
{% if printed %}<p>Printed {{ printed }}</p>{% endif %}{% endblock %}
{% block style %}.line { break-after: page; }{% endblock %}"""


@pytest.fixture
def template(settings, tmp_path):
    return template_file(settings, tmp_path, "document_test.html", TEMPLATE)


class Lines(pdf.Document):
    folder, stem, filename, page = "tests/1", "fr", "lines.pdf", "/en/about/"

    def __init__(self, template, lines, printed="today"):
        super().__init__("fr")
        self.template_name, self.lines, self.printed = template, lines, printed

    def context(self):
        return {"title": "Lignes", "lines": list(self.lines)}

    def extras(self, context):
        return {"printed": self.printed}


def test_the_same_content_gives_the_same_file_and_another_content_a_new_one(template):
    document = Lines(template, ["un", "deux"])
    assert document.stored() is None
    key = document.make()
    name = document.stored()
    assert name == f"documents/tests/1/fr-{key}.pdf" and default_storage.exists(name)
    assert "Printed today" in text_of(default_storage.open(name).read())
    # What is added when it is made is not part of what it shows.
    assert Lines(template, ["un", "deux"], printed="tomorrow").make() == key
    changed = Lines(template, ["un", "trois"])
    assert changed.stored() is None
    new_key = changed.make()
    assert new_key != key
    # The new file replaced the older one; asking by the older key gives today's.
    assert not default_storage.exists(name)
    assert changed.stored(key) == changed.stored(new_key) == changed.name(new_key)
    assert changed.stored("../../etc/passwd") == changed.name(new_key)


def test_the_fingerprint_follows_the_language_and_the_version(template, settings):
    key = Lines(template, ["un"]).fingerprint()
    arabic = Lines(template, ["un"])
    arabic.language = "ar"
    assert arabic.fingerprint() != key
    settings.MAARID_VERSION = "99"
    assert Lines(template, ["un"]).fingerprint() != key


def test_the_layout_reports_its_progress_page_by_page(template):
    seen = []
    body = pdf.render_pdf(
        template,
        {"title": "Lignes", "lines": [f"ligne {n}" for n in range(5)]},
        "fr",
        progress=lambda done, message=None: seen.append(done),
        pages=5,
    )
    assert text_of(body).count("\f") == 5
    assert seen == sorted(seen) and seen[-1] == 1.0
    layout = [done for done in seen if done < pdf.LAYOUT_SHARE]
    expected = [n / 5 for n in range(1, 5)] + [0.99]
    assert layout == pytest.approx([pdf.LAYOUT_SHARE * share for share in expected])
    # Another thread's document is not this one's progress.
    assert pdf.render_pdf(template, {"title": "x", "lines": []}, "fr").startswith(b"%PDF")
    assert len(seen) == 7


@task()
def make_lines(job_id: str, template: str) -> None:
    with jobs.running(job_id) as job:
        pdf.make_in(job, Lines(template, ["un"]))


def test_a_document_job_offers_the_file_and_stops_polling(template):
    alice = make_user("alice")
    request = RequestFactory().get("/en/about/")
    request.user = alice
    with translation.override("en"):
        response = pdf.serve_or_make(
            request, Lines(template, ["un"]), make_lines, kind="test.lines", template=template
        )
        job = Job.objects.get()
        assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE and job.progress == 100
    assert job.result["download"].startswith("/en/about/?file=")
    client = client_for(alice)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in fragment  # a redirect to a file would download it each second
    assert "hx-trigger" not in fragment.content.decode()
    assert f'href="{job.result["download"]}"' in fragment.content.decode()
    page = client.get(job.get_absolute_url())  # without htmx: the page, not the file
    assert page.status_code == 200 and job.result["download"] in page.content.decode()
    # Now it is kept: the page answers with the file.
    kept = pdf.serve_or_make(
        request, Lines(template, ["un"]), make_lines, kind="test.lines", template=template
    )
    assert kept["Content-Type"] == "application/pdf" and Job.objects.count() == 1
    assert 'filename="lines.pdf"' in kept["Content-Disposition"]


def test_a_job_offers_only_files_of_this_site():
    alice = make_user("alice")
    job = Job.objects.create(
        kind="test",
        user=alice,
        status=Job.Status.DONE,
        result={"download": "https://elsewhere.example/x.pdf"},
    )
    with translation.override("en"):
        url = reverse("core:job", args=[job.pk])
    fragment = client_for(alice).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "elsewhere" not in fragment
