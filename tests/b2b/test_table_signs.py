"""The table signs are made in the background and kept until the meetings on them change."""

import pytest
from django.test import Client

from maarid.b2b import documents, services, tasks
from maarid.core.models import Job
from tests.conftest import client_for
from tests.documents import body, download_link, fetch, job_of, needs_poppler, renders_of, text_of

from .conftest import run_schedule
from .test_meetings import accepted, page

pytestmark = [pytest.mark.django_db, needs_poppler]


@pytest.fixture
def renders(monkeypatch):
    return renders_of(monkeypatch, documents.TableSigns)


def test_the_signs_are_made_as_a_job_kept_and_made_again_when_a_meeting_moves(
    seller, buyer_profile, exhibitor, buyer, organiser, renders
):
    programme = seller.programme
    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(programme)
    client = client_for(organiser)
    job = job_of(client.get(page("table-signs", programme)))
    assert job.kind == tasks.TABLE_SIGNS_JOB and job.status == Job.Status.DONE
    link = download_link(client, job)
    first = client.get(link)
    assert 'filename="tables-ess-tta-3.pdf"' in first["Content-Disposition"]
    kept = body(first)
    text = text_of(kept)
    pages = text.split("\f")[:-1]
    assert len(pages) == programme.tables.count()  # a sign a table
    assert seller.organisation.name_fr in text
    # Asked again: the kept file, at once.
    again = client.get(page("table-signs", programme))
    assert again.status_code == 200 and body(again) == kept and renders == ["fr"]
    # The meeting is cancelled: the signs are made again, without it.
    services.cancel(actor=organiser, meeting=meeting)
    second, _job = fetch(client, page("table-signs", programme))
    assert renders == ["fr", "fr"]
    assert seller.organisation.name_fr not in text_of(body(second))


def test_only_the_organisers_may_have_the_signs(seller, organiser, exhibitor, buyer):
    _signs, job = fetch(client_for(organiser), page("table-signs", seller.programme))
    link = download_link(client_for(organiser), job)
    assert client_for(exhibitor).get(link).status_code == 403
    assert client_for(buyer).get(link).status_code == 403
    assert Client().get(link).status_code == 302
