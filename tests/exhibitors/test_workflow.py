"""The call for exhibitors as services: apply, review, select, publish, withdraw."""

import datetime
from decimal import Decimal

import pytest
import weasyprint
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from maarid.core.models import OutboxMessage
from maarid.exhibitors import selectors, services
from maarid.exhibitors.models import Application, Exhibitor, SectorQuota
from tests.exhibitors.conftest import applicant, decisions, marked, submitted

pytestmark = pytest.mark.django_db

PDF = weasyprint.HTML(string="<p>Statuts</p>").write_pdf()


def pdf(name="statuts.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_an_applicant_applies_from_draft_to_submission(call, cooperative, exhibitor):
    application = services.start_application(actor=exhibitor, call=call, organisation=cooperative)
    assert application.status == Application.Status.DRAFT
    services.update_application(
        actor=exhibitor,
        application=application,
        motivation="Nos miels",
        booth_size=12,
        electricity=True,
    )
    assert services.missing_for_submission(application=application)  # no product, no documents yet
    with pytest.raises(ValidationError):
        services.submit(actor=exhibitor, application=application)
    services.add_product(
        actor=exhibitor, application=application, name_ar="عسل الزعتر", price=Decimal("150")
    )
    for requirement in call.required_documents.all():
        services.add_document(
            actor=exhibitor, application=application, uploaded=pdf(), requirement=requirement
        )
    services.submit(actor=exhibitor, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.first_time
    with pytest.raises(ValidationError):  # a submitted application is frozen
        services.update_application(actor=exhibitor, application=application, motivation="Autre")


def test_only_members_apply_for_their_organisation(call, cooperative, buyer):
    with pytest.raises(PermissionDenied):
        services.start_application(actor=buyer, call=call, organisation=cooperative)


def test_nobody_applies_outside_the_calls_dates(call, cooperative, exhibitor):
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    with pytest.raises(ValidationError):
        services.start_application(actor=exhibitor, call=call, organisation=cooperative)


def test_the_call_can_be_limited_to_some_kinds(call, cooperative, exhibitor):
    call.eligible_kinds = ["artisan"]
    call.save()
    with pytest.raises(ValidationError):
        services.start_application(actor=exhibitor, call=call, organisation=cooperative)


def test_a_member_of_the_applicant_is_never_its_reviewer(call, series, reviewers, organiser):
    organisation, _user = applicant(series, "Cooperative Tilila")
    application = submitted(call, organisation, _user)
    from maarid.registry.models import Membership

    Membership.objects.create(user=reviewers[0], organisation=organisation)
    with pytest.raises(ValidationError):
        services.assign(actor=organiser, application=application, reviewer=reviewers[0])
    services.auto_assign(actor=organiser, call=call)
    assigned = set(application.reviews.values_list("reviewer_id", flat=True))
    assert reviewers[0].pk not in assigned and len(assigned) == 2


def test_automatic_assignment_balances_the_load(call, series, reviewers, organiser):
    for n in range(6):
        submitted(call, *applicant(series, f"Coop {n}"))
    services.auto_assign(actor=organiser, call=call)
    loads = [r.reviews.count() for r in reviewers]
    assert sum(loads) == 12 and max(loads) - min(loads) <= 1


def test_normalising_evens_out_a_harsh_reviewer(call, series, reviewers, organiser):
    harsh, lenient = reviewers[:2]
    first = submitted(call, *applicant(series, "Coop A"))
    second = submitted(call, *applicant(series, "Coop B"))
    # The harsh reviewer marks A 2 and B 4; the lenient one marks A 9 and B 7.
    marked(first, harsh, 2), marked(second, harsh, 4)
    marked(first, lenient, 9), marked(second, lenient, 7)
    mean = selectors.scores(call)
    assert mean[first.pk] == mean[second.pk] == Decimal("5.50")
    call.aggregation = "normalised"
    call.save()
    normalised = selectors.scores(call)
    assert normalised[first.pk] == normalised[second.pk]  # each reviewer's order cancels out


def test_the_selection_takes_the_best_and_explains(call, five, organiser):
    applications = five
    run = services.run_selection(actor=organiser, call=call)
    assert run.optimal and run.accepted == 3
    assert decisions(applications) == {
        "Coop A": "accepted",
        "Coop B": "accepted",
        "Coop C": "accepted",
        "Coop D": "waitlisted",
        "Coop E": "waitlisted",
    }
    d = applications["Coop D"]
    assert d.rank == 4 and d.score == Decimal("6.00") and d.reason["code"]


def test_equal_scores_go_to_the_earlier_submission(call, series, reviewers, organiser):
    call.places = 1
    call.save()
    late = submitted(call, *applicant(series, "Late"), submitted_at=timezone.now())
    early = submitted(
        call, *applicant(series, "Early"), submitted_at=timezone.now() - datetime.timedelta(days=1)
    )
    for application in (late, early):
        marked(application, reviewers[0], 8)
    services.run_selection(actor=organiser, call=call)
    early.refresh_from_db(), late.refresh_from_db()
    assert early.decision == "accepted" and late.decision == "waitlisted"


def test_a_sector_quota_that_cannot_be_met_is_reported(call, five, organiser):
    SectorQuota.objects.create(call=call, sector="cosmetics", minimum=2)
    run = services.run_selection(actor=organiser, call=call)
    [shortfall] = run.shortfalls
    assert shortfall["short"] == 2 and "cosmetics" in str(shortfall)


def test_an_override_forces_an_applicant_in(call, five, organiser):
    applications = five
    with pytest.raises(ValidationError):
        services.override(
            actor=organiser, application=applications["Coop E"], accept=True, reason=""
        )
    services.override(
        actor=organiser, application=applications["Coop E"], accept=True, reason="Métier menacé"
    )
    services.run_selection(actor=organiser, call=call)
    assert decisions(applications)["Coop E"] == "accepted"
    assert decisions(applications)["Coop C"] == "waitlisted"


def test_publishing_creates_exhibitors_and_tells_each_applicant_once(call, five, organiser):
    applications = five
    services.run_selection(actor=organiser, call=call)
    sent = services.publish_decisions(actor=organiser, call=call)
    assert sent == 5 and OutboxMessage.objects.count() == 5
    assert set(Exhibitor.objects.values_list("application_id", flat=True)) == {
        applications[n].pk for n in ("Coop A", "Coop B", "Coop C")
    }
    assert services.notify(call=call) == 0  # nobody hears the same decision twice


def test_an_edition_whose_decisions_are_published_never_goes_back_to_draft(call, five, organiser):
    from maarid.fairs import services as fairs

    edition = call.edition
    edition.status = "applications"
    edition.save()
    services.run_selection(actor=organiser, call=call)
    services.publish_decisions(actor=organiser, call=call)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="decisions on the applications are published"),
    ):
        fairs.move_edition(actor=organiser, edition=edition, status="draft", reason="Again")


def test_a_withdrawal_promotes_from_the_waiting_list(call, five, organiser):
    applications = five
    services.run_selection(actor=organiser, call=call)
    services.publish_decisions(actor=organiser, call=call)
    b_member = applications["Coop B"].organisation.memberships.get().user
    services.withdraw(actor=b_member, application=applications["Coop B"])
    assert decisions(applications)["Coop D"] == "accepted"
    assert Exhibitor.objects.get(application=applications["Coop B"]).status == "withdrawn"
    assert Exhibitor.objects.get(application=applications["Coop D"]).status == "active"
    d_member = applications["Coop D"].organisation.memberships.get().user
    promoted = OutboxMessage.objects.filter(to=d_member.email).order_by("-created_at").first()
    assert "place has freed up" in promoted.body or "libéré" in promoted.body


def test_reviews_close_when_decisions_are_published(call, five, organiser):
    applications = five
    services.run_selection(actor=organiser, call=call)
    services.publish_decisions(actor=organiser, call=call)
    review = applications["Coop A"].reviews.first()
    with pytest.raises(ValidationError):
        services.score(
            actor=review.reviewer, review=review, marks={c.pk: 1 for c in call.criteria.all()}
        )


def test_a_reviewer_scores_only_their_own_review(call, series, reviewers):
    application = submitted(call, *applicant(series, "Coop A"))
    review = marked(application, reviewers[0], 7)
    with pytest.raises(PermissionDenied):
        services.score(
            actor=reviewers[1], review=review, marks={c.pk: 1 for c in call.criteria.all()}
        )
    with pytest.raises(ValidationError):
        services.score(
            actor=reviewers[0], review=review, marks={c.pk: 11 for c in call.criteria.all()}
        )
