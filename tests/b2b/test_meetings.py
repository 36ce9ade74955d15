"""B2B meetings as participants and organisers use them: profiles, requests and answers,
suggestions, the schedule (run as a job, announced meetings kept), agendas, check-in, outcomes."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maarid.b2b import selectors, services
from maarid.b2b.models import Meeting, Outcome
from tests import documents
from tests.conftest import client_for
from tests.exhibitors.test_selection_pages import pdftotext

from .conftest import member_of, run_schedule

pytestmark = pytest.mark.django_db


def page(name, programme, *args):
    edition = programme.edition
    return reverse(f"b2b:{name}", args=[edition.series.slug, edition.number, *args])


def test_the_programme_has_its_slots_and_tables(programme):
    slots = programme.slots()
    assert len(slots) == 12  # 6 slots of 20 minutes a day, two days
    assert [s.session for s in slots[:6]] == ["am"] * 3 + ["pm"] * 3
    assert slots[6].day == slots[0].day + datetime.timedelta(days=1) and slots[6].index == 6
    assert [t.capacity for t in programme.tables.all()] == [2, 2, 2, 4]


def test_only_exhibitors_sell_and_only_members_write_their_profile(programme, cooperative, buyer):
    with pytest.raises(PermissionDenied):
        # Not a member.
        services.save_profile(
            actor=buyer, programme=programme, organisation=cooperative, offers="x"
        )
    user = member_of(cooperative, "member")
    with pytest.raises(PermissionDenied):  # a member, but the cooperative does not exhibit
        services.save_profile(actor=user, programme=programme, organisation=cooperative, offers="x")


def test_a_request_is_answered_by_the_other_side_only(seller, buyer_profile, exhibitor, buyer):
    meeting = services.request_meeting(
        actor=exhibitor,
        from_profile=seller,
        to_profile=buyer_profile,
        priority=1,
        message="Bonjour",
    )
    assert meeting.buyer == buyer_profile and list(meeting.sellers.all()) == [seller]
    assert any("Coopérative Al Amal" in m.body for m in mail.outbox)  # the buyer is told
    with pytest.raises(PermissionDenied):
        services.respond(actor=exhibitor, meeting=meeting, accept=True)  # the asker cannot accept
    services.respond(actor=buyer, meeting=meeting, accept=True)
    assert Meeting.objects.get().status == Meeting.Status.ACCEPTED
    with pytest.raises(ValidationError):
        services.respond(actor=buyer, meeting=meeting, accept=False)  # answered already
    with pytest.raises(ValidationError):
        # The pair already meets.
        services.request_meeting(actor=buyer, from_profile=buyer_profile, to_profile=seller)


def test_sellers_do_not_request_sellers(seller, other_seller, exhibitor):
    with pytest.raises(ValidationError):
        services.request_meeting(actor=exhibitor, from_profile=seller, to_profile=other_seller)


def test_suggestions_rank_matching_profiles_with_reasons(seller, buyer_profile, other_buyer):
    ranked = selectors.suggestions(seller)
    assert [s.profile for s in ranked][0] == buyer_profile
    reasons = " ".join(ranked[0].reasons)
    assert "argan" in reasons  # both mention argan oil
    assert ranked[0].score > (ranked[1].score if len(ranked) > 1 else 0)


def test_suggestions_match_arabic_spellings(seller, buyer_profile, buyer):
    buyer_profile.seeks = "نبحث عن زيت الاركان"  # no hamza on the alef
    buyer_profile.save()
    seller.offers = "زيت الأركان"
    seller.save()
    assert selectors.suggestions(seller)[0].profile == buyer_profile


def accepted(seller, buyer_profile, exhibitor, buyer, **kwargs):
    meeting = services.request_meeting(
        actor=exhibitor, from_profile=seller, to_profile=buyer_profile, **kwargs
    )
    return services.respond(actor=buyer, meeting=meeting, accept=True)


def test_the_schedule_runs_as_a_job_and_the_agenda_shows_the_meeting(
    seller, buyer_profile, exhibitor, buyer, organiser
):
    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    response = client_for(organiser).post(page("schedule", seller.programme), follow=True)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.slot is not None and meeting.table is not None
    body = client_for(exhibitor).get(page("agenda", seller.programme)).content.decode()
    assert "Distribution Nord SARL" in body


def test_publishing_tells_the_participants_and_keeps_announced_meetings(
    seller, buyer_profile, other_seller, exhibitor, buyer, organiser
):
    first = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    mail.outbox.clear()
    assert services.publish(actor=organiser, programme=seller.programme) == 2
    assert len(mail.outbox) == 2  # one member each side
    first.refresh_from_db()
    placed = (first.slot, first.table_id)
    # A late meeting for the buyer: the schedule runs again, the announced one stays.
    late = services.request_meeting(
        actor=other_seller.user, from_profile=other_seller, to_profile=buyer_profile
    )
    services.respond(actor=buyer, meeting=late, accept=True)
    run_schedule(seller.programme)
    first.refresh_from_db()
    late.refresh_from_db()
    assert (first.slot, first.table_id) == placed and first.announced
    assert late.slot is not None and late.slot != first.slot
    mail.outbox.clear()
    # Only the late meeting's people.
    assert services.publish(actor=organiser, programme=seller.programme) == 2
    assert len(mail.outbox) == 2 and all("/b2b/agenda/" in m.body for m in mail.outbox)


def test_an_unplaceable_meeting_says_why(seller, buyer_profile, exhibitor, buyer, organiser):
    seller.unavailable = list(range(12))  # never free
    seller.save()
    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    meeting.refresh_from_db()
    assert meeting.slot is None
    assert meeting.unplaced_reason["code"] == "participant_unavailable"
    body = client_for(organiser).get(page("meetings", seller.programme)).content.decode()
    assert selectors.reason_text(meeting) in body


def test_a_group_meeting_gets_the_big_table(seller, other_seller, buyer_profile, organiser):
    meeting = services.add_meeting(
        actor=organiser,
        programme=seller.programme,
        buyer=buyer_profile,
        sellers=[seller, other_seller],
    )
    run_schedule(seller.programme)
    meeting.refresh_from_db()
    assert meeting.table.capacity == 4
    with pytest.raises(PermissionDenied):
        services.add_meeting(
            actor=other_seller.user,
            programme=seller.programme,
            buyer=buyer_profile,
            sellers=[seller],
        )
    for wrong in ({"priority": 7}, {"session": "night"}, {"after": Meeting(pk=10**6)}):
        with pytest.raises(ValidationError):
            services.add_meeting(
                actor=organiser,
                programme=seller.programme,
                buyer=buyer_profile,
                sellers=[seller],
                **wrong,
            )
    assert Meeting.objects.count() == 1


def test_participants_see_only_their_own_requests_and_agenda(
    seller, buyer_profile, other_seller, other_buyer, exhibitor, buyer
):
    accepted(seller, buyer_profile, exhibitor, buyer, message="Secret de fabrication")
    outsider = client_for(other_seller.user)
    requests = outsider.get(page("requests", seller.programme)).content.decode()
    assert "Secret de fabrication" not in requests and "Distribution Nord" not in requests
    # Another participant's agenda is not reachable by changing the address.
    agenda = outsider.get(page("agenda", seller.programme) + f"?profile={seller.pk}")
    assert "Distribution Nord" not in agenda.content.decode()
    meeting = Meeting.objects.get(buyer=buyer_profile)
    assert (
        outsider.post(page("answer", seller.programme, meeting.pk), {"accept": "0"}).status_code
        == 404
    )
    assert outsider.get(page("outcome", seller.programme, meeting.pk)).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.ACCEPTED


def test_one_tap_request_from_the_suggestions(seller, buyer_profile, exhibitor):
    client = client_for(exhibitor)
    response = client.post(
        page("ask", seller.programme, buyer_profile.pk), {"priority": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert Meeting.objects.filter(requested_by=seller).count() == 1
    again = client.post(
        page("ask", seller.programme, buyer_profile.pk), {"priority": "2"}, HTTP_HX_REQUEST="true"
    )
    assert "rejected" in again.content.decode() and Meeting.objects.count() == 1


def test_agenda_as_pdf_in_arabic_and_as_ical(seller, buyer_profile, exhibitor, buyer):
    accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    client = client_for(exhibitor)
    edition = seller.programme.edition
    pdf = client.get(f"/ar/{edition.series.slug}/{edition.number}/b2b/agenda.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "شركة التوزيع" in pdftotext(pdf.content) or "Distribution" in pdftotext(pdf.content)
    ics = client.get(page("agenda-ics", seller.programme)).content.decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.count("BEGIN:VEVENT") == 1
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_check_in_and_outcomes_feed_the_report(seller, buyer_profile, exhibitor, buyer, organiser):
    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    meeting.refresh_from_db()
    client = client_for(organiser)
    response = client.post(
        page("checkin", seller.programme),
        {"meeting": meeting.pk, "attendance": "held"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    with pytest.raises(PermissionDenied):
        services.check_in(actor=exhibitor, meeting=meeting, attendance="missed")
    services.record_outcome(
        actor=exhibitor, meeting=meeting, profile=seller, result="deal", amount=Decimal("12000")
    )
    services.record_outcome(
        actor=buyer, meeting=meeting, profile=buyer_profile, result="deal", amount=Decimal("15000")
    )
    with pytest.raises(ValidationError):
        # No amount.
        services.record_outcome(actor=exhibitor, meeting=meeting, profile=seller, result="deal")
    with pytest.raises(PermissionDenied):
        # Not theirs to report.
        services.record_outcome(actor=buyer, meeting=meeting, profile=seller, result="lead")
    report = selectors.report(seller.programme)
    assert report["held"] == 1 and report["outcomes"]["deal"] == 2
    assert report["deals_amount"] == Decimal("15000.00")  # one deal, counted once
    assert Outcome.objects.count() == 2


def test_table_signs_and_settings_are_for_organisers(seller, organiser, exhibitor):
    # Made in the background: the job's page offers them (tests/b2b/test_table_signs.py).
    signs, _job = documents.fetch(client_for(organiser), page("table-signs", seller.programme))
    assert signs["Content-Type"] == "application/pdf"
    assert client_for(exhibitor).get(page("table-signs", seller.programme)).status_code == 403
    assert client_for(exhibitor).get(page("setup", seller.programme)).status_code == 403


def test_a_cap_on_breaks_is_kept(seller, buyer_profile, other_buyer, exhibitor, buyer, organiser):
    """The seller meets two buyers; one of them is free only at the first and the last slot of
    the day: with at most 0 breaks, only one of the two meetings can happen that day."""
    programme = seller.programme
    programme.days = programme.days[:1]
    programme.max_breaks = 0
    programme.save()
    buyer_profile.unavailable = [1, 2, 3, 4]
    buyer_profile.save()
    other_buyer.unavailable = [0, 1, 2, 3, 4]
    other_buyer.save()
    accepted(seller, buyer_profile, exhibitor, buyer)
    second = services.request_meeting(actor=exhibitor, from_profile=seller, to_profile=other_buyer)
    services.respond(actor=other_buyer.user, meeting=second, accept=True)
    result = services.solve(programme=programme, time_limit=10)
    slots = sorted(p.slot for p in result.placements.values())
    assert result.breaks == 0 and len(slots) == 1  # never 0 and 5 together: a break between


def test_a_mangled_address_is_a_404_not_an_error(seller, buyer_profile, exhibitor, organiser):
    """``?as=`` (whose profile, for people who speak for several) and ``?profile=`` (whose
    agenda, for the organisers) are numbers; anything else is a page that does not exist."""
    client = client_for(exhibitor)
    assert client.get(page("requests", seller.programme) + "?as=abc").status_code == 404
    assert client.get(page("agenda", seller.programme) + "?as=1.5").status_code == 404
    staff = client_for(organiser)
    assert staff.get(page("agenda", seller.programme) + "?profile=x").status_code == 404
    assert staff.get(page("agenda-ics", seller.programme) + "?profile=").status_code == 404


@pytest.mark.parametrize(
    "value", ["²", "1²", "9223372036854775808", "99999999999999999999999", "0", "-1", "1e3"]
)
def test_a_number_that_is_no_id_is_a_404_on_every_page(
    value, seller, buyer_profile, exhibitor, organiser
):
    """An id is ASCII digits within 64 bits: "²" passes ``str.isdigit()`` but not ``int()``,
    and a larger number makes SQLite raise OverflowError."""
    programme = seller.programme
    client = client_for(exhibitor)
    for name in ("participants", "requests", "agenda", "agenda-pdf", "agenda-ics"):
        assert client.get(page(name, programme), {"as": value}).status_code == 404, name
    asked = page("ask", programme, buyer_profile.pk)
    assert client.post(asked, {"as": value}).status_code == 404
    staff = client_for(organiser)
    assert staff.get(page("agenda", programme), {"profile": value}).status_code == 404
    checkin = staff.post(page("checkin", programme), {"meeting": value, "attendance": "held"})
    assert checkin.status_code == 404


def test_a_page_or_slot_that_is_not_there_shows_one_that_is(seller, organiser):
    meetings = page("meetings", seller.programme)
    for number in ("2282589375379155456", "9223372036854775808", "²", "-3"):
        assert client_for(organiser).get(meetings, {"page": number}).status_code == 200
    checkin = page("checkin", seller.programme)
    for number in ("²", "9223372036854775808"):
        assert client_for(organiser).get(checkin, {"slot": number}).status_code == 200


def test_an_id_past_64_bits_in_a_form_is_refused_not_an_error(
    seller, buyer_profile, exhibitor, organiser
):
    """The checkboxes of a form send ids: one no database holds is a wrong choice (SQLite
    cannot even look it up: ``pk__in`` raised OverflowError)."""
    huge = "9223372036854775808"
    profile = page("profile", seller.programme)
    for field in ("categories", "certifications"):
        response = client_for(exhibitor).post(profile, {"offers": "Argan", field: huge})
        assert response.status_code == 200 and field in response.context["form"].errors
    meetings = page("meetings", seller.programme)
    response = client_for(organiser).post(
        meetings, {"buyer": buyer_profile.pk, "sellers": huge, "priority": 2}
    )
    assert response.status_code == 200 and "sellers" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_only_scheduled_meetings_are_checked_in(
    seller, buyer_profile, other_buyer, exhibitor, buyer, organiser
):
    """A request not yet answered has no table to be held at; a mangled id is not found."""
    asked = services.request_meeting(actor=exhibitor, from_profile=seller, to_profile=other_buyer)
    with pytest.raises(ValidationError):
        services.check_in(actor=organiser, meeting=asked, attendance="held")
    client = client_for(organiser)
    checkin = page("checkin", seller.programme)
    assert client.post(checkin, {"meeting": "abc", "attendance": "held"}).status_code == 404
    refused = client.post(checkin, {"meeting": asked.pk, "attendance": "held"}, follow=True)
    told = [str(message) for message in refused.context["messages"]]
    assert refused.status_code == 200 and told == ["Ce rendez-vous n'est pas au programme."]
    assert Meeting.objects.get(pk=asked.pk).attendance == ""


def test_forms_speak_the_page_language_and_name_the_real_problem(
    seller, buyer_profile, exhibitor, buyer, organiser
):
    from django.utils import translation

    with translation.override("ar"):
        meetings = client_for(organiser).get(page("meetings", seller.programme))
    assert "اللقاء جماعيا" in meetings.content.decode()  # not the text of the first request
    # A message too long is what is wrong, not the priority.
    client = client_for(exhibitor)
    asked = client.post(
        page("ask", seller.programme, buyer_profile.pk),
        {"priority": "1", "message": "x" * 400},
        HTTP_HX_REQUEST="true",
    )
    assert "300" in asked.content.decode() and not Meeting.objects.exists()
    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    outcome = client.post(
        page("outcome", seller.programme, meeting.pk), {"result": "deal", "amount": "abc"}
    ).content.decode()
    assert outcome.count('class="errorlist') == 1 and "---------" not in outcome


def test_home_lists_the_meetings_still_to_come(seller, buyer_profile, exhibitor, buyer):
    from freezegun import freeze_time

    meeting = accepted(seller, buyer_profile, exhibitor, buyer)
    run_schedule(seller.programme)
    meeting.refresh_from_db()
    slot = next(s for s in seller.programme.slots() if s.index == meeting.slot)
    client, home = client_for(exhibitor), page("home", seller.programme)
    with freeze_time(slot.starts()):
        assert "Distribution Nord" in client.get(home).content.decode()
    with freeze_time(slot.ends()):
        assert "Distribution Nord" not in client.get(home).content.decode()
