"""Helpers for the documents made in the background (core.pdf.Document): ask for one as a
person does, through its job's page, and read the PDF that comes out."""

import re
import subprocess

from maarid.core.models import Job


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
