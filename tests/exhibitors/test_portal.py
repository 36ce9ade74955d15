"""The applicant's portal, through its pages: apply, fill in each step, submit, withdraw, and
who may read an application and its files."""

import datetime
import io
import os

import pytest
import weasyprint
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from maarid.core import uploads
from maarid.core.access import Role
from maarid.exhibitors import services
from maarid.exhibitors.models import Application, ApplicationDocument, Review
from maarid.registry.models import Membership
from tests.conftest import client_for, make_organisation, make_user, with_role

pytestmark = pytest.mark.django_db

PDF = weasyprint.HTML(string="<p>Statuts de la coopérative</p>").write_pdf()


@pytest.fixture
def call_settings():
    return {"places": 2, "opened": 5, "closes_in": 20}


def png(name="miel.png"):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 150, 40)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name="statuts.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def url(name, call, *args):
    edition = call.edition
    with translation.override("en"):
        return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number, *args])


def step(call, application, name):
    return url("application-step", call, application.pk, name)


def stored_files():
    root = default_storage.path("")
    return sorted(
        os.path.relpath(os.path.join(folder, f), root)
        for folder, _dirs, files in os.walk(root)
        for f in files
    )


def draft(call, organisation, user):
    return services.start_application(actor=user, call=call, organisation=organisation)


def ready(call, organisation, user):
    """A draft with everything needed to submit."""
    application = draft(call, organisation, user)
    services.add_product(
        actor=user, application=application, name_fr="Miel de thym", price="120.00"
    )
    for requirement in call.required_documents.all():
        services.add_document(
            actor=user, application=application, uploaded=pdf(), requirement=requirement
        )
    return application


def second_reviewer(series):
    return with_role(make_user("reviewer2"), series, Role.REVIEWER)


# --- the whole flow -------------------------------------------------------------------------


def test_an_applicant_goes_through_every_step_and_sees_the_decision(
    call, cooperative, exhibitor, organiser, reviewer, series
):
    client = client_for(exhibitor)
    response = client.get(url("apply", call))
    application = Application.objects.get(call=call, organisation=cooperative)
    assert response.status_code == 302
    assert response["Location"] == step(call, application, "about")

    with translation.override("en"):
        page = client.get(step(call, application, "about"))
    assert page.status_code == 200
    assert 'aria-current="step"' in page.content.decode()
    response = client.post(
        step(call, application, "about"), {"motivation": "Nos miels de thym", "action": "next"}
    )
    assert response["Location"] == step(call, application, "products")

    response = client.post(
        step(call, application, "products"),
        {
            "name_ar": "عسل الزعتر",
            "name_fr": "Miel de thym",
            "price": "150.00",
            "photo": png(),
            "action": "add",
        },
    )
    assert response.status_code == 302
    product = application.products.get()
    assert product.photo.endswith(".png") and product.price == 150
    photo = client.get(url("product-photo", call, application.pk, product.pk))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    small = client.get(url("product-photo", call, application.pk, product.pk) + "?size=small")
    assert small.status_code == 200
    response = client.post(step(call, application, "products"), {"action": "next"})
    assert response["Location"] == step(call, application, "booth")

    response = client.post(
        step(call, application, "booth"),
        {"booth_size": "12", "electricity": "on", "refrigeration": "on", "action": "next"},
    )
    assert response["Location"] == step(call, application, "documents")

    files = {f"doc_{r.pk}": pdf(f"doc{r.pk}.pdf") for r in call.required_documents.all()}
    response = client.post(step(call, application, "documents"), {**files, "action": "next"})
    assert response["Location"] == step(call, application, "review")
    assert application.documents.count() == call.required_documents.count()

    with translation.override("en"):
        review = client.get(step(call, application, "review"))
    assert review.status_code == 200 and not review.context["missing"]
    assert "Submit the application" in review.content.decode()
    response = client.post(url("application-submit", call, application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert (application.booth_size, application.electricity, application.water) == (12, True, False)
    assert application.motivation == "Nos miels de thym"

    # Reviewers mark it, the organisers run the selection: nothing shows before publication.
    for who in (reviewer, second_reviewer(series)):
        review = services.assign(actor=organiser, application=application, reviewer=who)
        services.score(actor=who, review=review, marks={c.pk: 8 for c in call.criteria.all()})
    services.run_selection(actor=organiser, call=call)
    application.refresh_from_db()
    assert application.decision == Application.Decision.ACCEPTED
    with translation.override("en"):
        page = client.get(application.get_absolute_url())
        assert page.context["decision_label"] == "Under review"
        services.publish_decisions(actor=organiser, call=call)
        page = client.get(application.get_absolute_url())
    assert page.status_code == 200
    assert page.context["decision_label"] == "Accepted"
    assert "Accepted" in page.content.decode()
    with translation.override("ar"):
        page = client.get(application.get_absolute_url())
        assert page.context["decision_label"] == str(Application.Decision.ACCEPTED.label)


def test_with_several_organisations_the_applicant_chooses(call, cooperative, exhibitor):
    other = make_organisation(name_fr="Association Tafilelt", kind="association")
    Membership.objects.create(user=exhibitor, organisation=other, status="active")
    client = client_for(exhibitor)
    page = client.get(url("apply", call))
    assert page.status_code == 200
    assert not Application.objects.exists()
    response = client.post(url("apply", call), {"organisation": other.pk})
    assert response.status_code == 302
    assert Application.objects.get().organisation == other


def test_without_an_organisation_the_page_explains_how_to_join(call, buyer, series):
    lonely = make_user("lonely")
    with translation.override("en"):
        page = client_for(lonely).get(url("apply", call))
        join = reverse("registry:join")
    assert page.status_code == 200
    assert join in page.content.decode()
    # A buyer's company does not exhibit unless the call names companies.
    assert client_for(buyer).get(url("apply", call)).status_code == 200
    assert not Application.objects.exists()


def test_a_closed_call_creates_nothing(call, exhibitor):
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    with translation.override("en"):
        page = client_for(exhibitor).get(url("apply", call))
    assert page.status_code == 200
    assert "not open" in page.content.decode()
    assert not Application.objects.exists()


# --- who sees what --------------------------------------------------------------------------


def test_an_applicant_never_sees_another_organisations_application(
    call, cooperative, exhibitor, series
):
    rival = make_organisation(name_fr="Coopérative Rivale", registration_number="991")
    series.organisations.add(rival)
    rival_member = make_user("rival")
    Membership.objects.create(user=rival_member, organisation=rival, status="active")
    application = ready(call, rival, rival_member)
    document = application.documents.first()
    product = application.products.get()
    client = client_for(exhibitor)
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(step(call, application, "about")).status_code == 404
    assert client.get(url("document", call, application.pk, document.pk)).status_code == 404
    assert client.get(url("product-photo", call, application.pk, product.pk)).status_code == 404
    assert client.post(url("application-submit", call, application.pk)).status_code == 404
    assert client.post(url("application-withdraw", call, application.pk)).status_code == 404
    assert client_for(None).get(application.get_absolute_url()).status_code == 302


def test_an_applicant_sees_no_review_nor_score_but_organisers_do(
    call, cooperative, exhibitor, organiser, reviewer, series
):
    application = ready(call, cooperative, exhibitor)
    services.submit(actor=exhibitor, application=application)
    for who in (reviewer, second_reviewer(series)):
        review = services.assign(actor=organiser, application=application, reviewer=who)
        services.score(
            actor=who,
            review=review,
            marks={c.pk: 7 for c in call.criteria.all()},
            comment="Miel secret-42",
        )
    services.run_selection(actor=organiser, call=call)
    services.publish_decisions(actor=organiser, call=call)
    with translation.override("en"):
        own = client_for(exhibitor).get(application.get_absolute_url())
        seen_by_organiser = client_for(organiser).get(application.get_absolute_url())
        seen_by_reviewer = client_for(reviewer).get(application.get_absolute_url())
    body = own.content.decode()
    assert own.status_code == 200
    assert "Miel secret-42" not in body and "Score" not in body and "Rank" not in body
    assert "7.00" not in body and "7,00" not in body
    assert seen_by_organiser.status_code == 200
    assert "Score" in seen_by_organiser.content.decode()
    # A reviewer reads the application, but nothing of the other reviewer's review.
    assert seen_by_reviewer.status_code == 200
    assert "Miel secret-42" not in seen_by_reviewer.content.decode()
    assert "Score" not in seen_by_reviewer.content.decode()


def test_only_assigned_reviewers_read_an_application_and_its_files(
    call, cooperative, exhibitor, organiser, reviewer, series
):
    application = ready(call, cooperative, exhibitor)
    services.submit(actor=exhibitor, application=application)
    other_reviewer = second_reviewer(series)
    document = application.documents.first()
    files = url("document", call, application.pk, document.pk)
    assert client_for(reviewer).get(application.get_absolute_url()).status_code == 404
    assert client_for(reviewer).get(files).status_code == 404
    Review.objects.create(application=application, reviewer=reviewer)
    assert client_for(reviewer).get(application.get_absolute_url()).status_code == 200
    response = client_for(reviewer).get(files)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with default_storage.open(document.file) as stored:  # the upload, cleaned (core.uploads)
        assert b"".join(response.streaming_content) == stored.read()
    assert client_for(other_reviewer).get(application.get_absolute_url()).status_code == 404
    assert client_for(organiser).get(files).status_code == 200


def test_only_the_applicants_members_edit_and_submit(
    call, cooperative, exhibitor, organiser, reviewer
):
    application = ready(call, cooperative, exhibitor)
    Review.objects.create(application=application, reviewer=reviewer)
    for user in (organiser, reviewer):
        client = client_for(user)
        assert client.get(step(call, application, "about")).status_code == 403
        response = client.post(step(call, application, "about"), {"motivation": "Pris"})
        assert response.status_code == 403
        assert client.post(url("application-submit", call, application.pk)).status_code == 403
    application.refresh_from_db()
    assert application.motivation == "" and application.status == Application.Status.DRAFT


# --- uploads --------------------------------------------------------------------------------


@pytest.fixture
def documents_step(call, cooperative, exhibitor):
    application = draft(call, cooperative, exhibitor)
    requirement = call.required_documents.first()
    return application, requirement, step(call, application, "documents")


def refused(client, address, field, upload):
    before = stored_files()
    with translation.override("en"):
        response = client.post(address, {field: upload, "action": "next"})
    assert response.status_code == 400
    assert stored_files() == before
    assert not ApplicationDocument.objects.exists()
    return response


def test_a_renamed_executable_is_refused(documents_step, exhibitor):
    _application, requirement, address = documents_step
    program = SimpleUploadedFile(
        "statuts.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 400, content_type="application/pdf"
    )
    response = refused(client_for(exhibitor), address, f"doc_{requirement.pk}", program)
    assert "This type of file is not accepted" in response.content.decode()
    assert response.context["form"].errors[f"doc_{requirement.pk}"]


def test_an_oversized_file_is_refused(documents_step, exhibitor, monkeypatch):
    _application, requirement, address = documents_step
    real = uploads.check_document
    monkeypatch.setattr(
        uploads, "check_document", lambda f, **kw: real(f, **{**kw, "max_bytes": 2048})
    )
    response = refused(client_for(exhibitor), address, "extra", pdf())
    assert "too big" in response.content.decode()


def test_a_six_megabyte_file_is_refused(documents_step, exhibitor):
    _application, requirement, address = documents_step
    big = PDF[:-6] + b" " * (6 * 1024 * 1024) + PDF[-6:]
    response = refused(client_for(exhibitor), address, f"doc_{requirement.pk}", pdf(content=big))
    assert "too big" in response.content.decode()


def test_a_corrupt_pdf_is_refused(documents_step, exhibitor):
    _application, requirement, address = documents_step
    cut = pdf(content=PDF[: len(PDF) // 2])
    response = refused(client_for(exhibitor), address, f"doc_{requirement.pk}", cut)
    assert "damaged" in response.content.decode()


def test_a_refused_photo_adds_no_product(call, cooperative, exhibitor):
    application = draft(call, cooperative, exhibitor)
    fake = SimpleUploadedFile("miel.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    before = stored_files()
    with translation.override("en"):
        response = client_for(exhibitor).post(
            step(call, application, "products"), {"name_fr": "Miel", "photo": fake}
        )
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert not application.products.exists() and stored_files() == before


def test_upload_messages_are_in_the_users_language(documents_step, exhibitor):
    _application, requirement, address = documents_step
    cut = pdf(content=PDF[: len(PDF) // 2])
    with translation.override("fr"):
        address_fr = address.replace("/en/", "/fr/")
        response = client_for(exhibitor).post(address_fr, {f"doc_{requirement.pk}": cut})
    assert response.status_code == 400
    error = response.context["form"].errors[f"doc_{requirement.pk}"][0]
    with translation.override("fr"):
        expected = str(uploads._corrupt().messages[0])
    assert error == expected


def test_documents_can_be_removed_while_a_draft(documents_step, exhibitor):
    application, requirement, address = documents_step
    client = client_for(exhibitor)
    client.post(address, {f"doc_{requirement.pk}": pdf()})
    document = application.documents.get()
    assert default_storage.exists(document.file)
    assert client.post(address, {"remove": document.pk}).status_code == 302
    assert not application.documents.exists()


@pytest.mark.parametrize("value", ["abc", "²", "1²", "9223372036854775808", "-1", "1.0"])
def test_removing_something_that_is_not_there_is_a_404(documents_step, exhibitor, call, value):
    """The ``remove`` button sends an id: anything else is not found, never a server error."""
    application, requirement, documents = documents_step
    client = client_for(exhibitor)
    client.post(documents, {f"doc_{requirement.pk}": pdf()})
    services.add_product(
        actor=exhibitor, application=application, name_fr="Miel de thym", price="120.00"
    )
    for address in (documents, step(call, application, "products")):
        assert client.post(address, {"remove": value}).status_code == 404, address
    assert application.documents.exists() and application.products.exists()


def test_the_board_past_its_last_page_shows_the_last_page(call, organiser):
    board = url("board", call)
    for number in ("2282589375379155456", "9223372036854775808", "²"):
        assert client_for(organiser).get(board, {"page": number}).status_code == 200


# --- after submission -----------------------------------------------------------------------


def test_a_submitted_application_cannot_be_edited(call, cooperative, exhibitor):
    application = ready(call, cooperative, exhibitor)
    client = client_for(exhibitor)
    assert client.post(url("application-submit", call, application.pk)).status_code == 302
    response = client.get(step(call, application, "about"))
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    with translation.override("en"):
        response = client.post(step(call, application, "about"), {"motivation": "Changé"})
        assert response.status_code == 400
        assert "can no longer be changed" in response.content.decode()
        product = application.products.get()
        response = client.post(step(call, application, "products"), {"remove": product.pk})
        assert response.status_code == 400
    application.refresh_from_db()
    assert application.motivation == "" and application.products.exists()
    assert client.post(url("application-submit", call, application.pk)).status_code == 400


def test_an_incomplete_application_is_not_submitted(call, cooperative, exhibitor):
    application = draft(call, cooperative, exhibitor)
    with translation.override("en"):
        response = client_for(exhibitor).post(url("application-submit", call, application.pk))
    assert response.status_code == 400
    assert "List at least one product" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_an_applicant_withdraws_after_confirming(call, cooperative, exhibitor):
    application = ready(call, cooperative, exhibitor)
    services.submit(actor=exhibitor, application=application)
    client = client_for(exhibitor)
    address = url("application-withdraw", call, application.pk)
    with translation.override("en"):
        confirm = client.get(address)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # asking changes nothing
    response = client.post(address, {"reason": "Récolte trop faible cette année"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN and application.withdrawn_at
    assert client.get(address).status_code == 302  # nothing left to withdraw


def test_stepper_marks_the_current_step(call, cooperative, exhibitor):
    application = draft(call, cooperative, exhibitor)
    page = client_for(exhibitor).get(step(call, application, "booth"))
    steps = page.context["steps"]
    assert [s["name"] for s in steps if s["current"]] == ["booth"]
    assert page.content.decode().count('aria-current="step"') == 1
    assert client_for(exhibitor).get(step(call, application, "nowhere")).status_code == 404
