"""Helpers for the documents made in the background (core.pdf.Document): ask for one as a
person does, through its job's page, and read the PDF that comes out."""

import re
import shutil
import subprocess

import pytest

from maarid.core.models import Job

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def renders_of(monkeypatch, document_class) -> list[str]:
    """The stems of the documents of ``document_class`` laid out from now on (one per render:
    a kept file served again adds none)."""
    made: list[str] = []
    original = document_class.render

    def counted(self, context, progress):
        made.append(self.stem)
        return original(self, context, progress)

    monkeypatch.setattr(document_class, "render", counted)
    return made


def job_of(response) -> Job:
    """The job a document's page sent the user to."""
    assert response.status_code == 302, response.status_code
    found = re.fullmatch(r"/[a-z]{2}/jobs/([0-9a-f-]{36})/", response["Location"])
    assert found, response["Location"]
    return Job.objects.get(pk=found.group(1))


def download_link(client, job: Job) -> str:
    """The link the job's page offers, once the job is done (the tests' tasks run at once)."""
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    found = re.search(r'<a class="button" href="([^"]+)">', page.content.decode())
    assert found, page.content.decode()
    return found.group(1).replace("&amp;", "&")


def fetch(client, url):
    """Asks for a document as a person does: its page starts a job, the job's page offers the
    download; returns the PDF's response and the job."""
    job = job_of(client.get(url))
    assert job.status == Job.Status.DONE, (job.status, job.error)
    response = client.get(download_link(client, job))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, job


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(pdf: bytes) -> str:
    """The PDF's text as poppler reads it: what is there is a real PDF."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def template_file(settings, folder, name: str, text: str) -> str:
    """A template written for a test into ``folder``, which the template engine then reads."""
    (folder / name).write_text(text, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine.get("DIRS", []), folder]}]
    return name
