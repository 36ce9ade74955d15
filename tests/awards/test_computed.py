"""Computed awards: each rule reads the rows the other apps keep, and the result says which
rows and which rule placed whom, with the runner-ups. Expected figures are worked out here from
the amounts the test itself recorded, not by the same query twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maarid.awards import selectors, services
from maarid.awards.models import AwardCategory, Result
from maarid.b2b.models import Meeting, Outcome, Profile, Programme
from maarid.core.models import AuditEvent
from maarid.programme.models import CheckIn, Room, Session

from .conftest import Till

pytestmark = pytest.mark.django_db


def computed(organiser, edition, rule, **extra):
    return services.create_category(
        actor=organiser,
        edition=edition,
        kind="computed",
        name_fr=rule or "Prix",
        rule=rule,
        **extra,
    )


def test_highest_sales_takes_voids_and_refunds_off(organiser, edition, stands):
    coral, amal, tanja = Till(stands["coral"]), Till(stands["amal"]), Till(stands["tanja"])
    coral.sell("1200.00", "300.50")
    big = coral.sell("5000.00")
    coral.void(big)  # voided: none of its 5000 counts
    amal.sell("900.00")
    refunded = amal.sell("400.00", "250.25")
    amal.refund(refunded, 0)  # 400 taken back
    amal.sell("600.00")
    tanja.sell("99.99")
    # Coral divers: 1200 + 300.50 = 1500.50; Al Amal: 900 + 250.25 + 600 = 1750.25.
    category = computed(organiser, edition, "highest_sales", places=1)
    result = services.compute(actor=organiser, category=category)
    winners = selectors.winners_of(result)
    assert [(w.rank, w.exhibitor_id, w.measure) for w in winners] == [
        (1, stands["amal"].pk, "1750.25")
    ]
    trail = result.trail
    assert trail["rule"] == "highest_sales"
    assert [(r["key"], r["measure"]) for r in trail["runner_ups"]] == [
        (stands["coral"].pk, "1500.50"),
        (stands["tanja"].pk, "99.99"),
    ]
    amal_rows = trail["winners"][0]["rows"]
    assert amal_rows["sale"]["entries"] == 3
    assert amal_rows["refund"] == {
        "entries": 1,
        "total": "-400.00",
        "ids": [refunded.corrections.get().pk],
    }
    assert trail["runner_ups"][0]["rows"]["void"]["total"] == "-5000.00"


def test_highest_sales_minimum_and_eligibility(organiser, edition, stands):
    Till(stands["coral"]).sell("2000.00")
    Till(stands["amal"]).sell("900.00")
    category = computed(
        organiser,
        edition,
        "highest_sales",
        params={"minimum": "1000"},
        eligible_kinds=["cooperative"],
    )
    result = services.compute(actor=organiser, category=category)
    # The association is not eligible; Al Amal is under the minimum: nobody wins.
    assert selectors.winners_of(result) == []
    assert result.trail["excluded"][0]["net"] == "900.00"


def test_oldest_cooperative_with_a_tie_shared_or_broken_by_members(organiser, edition, stands):
    category = computed(organiser, edition, "oldest_cooperative")
    result = services.compute(actor=organiser, category=category)
    # Tanja and Nador were both founded on 1 June 1955: they share the award.
    assert {w.exhibitor_id for w in selectors.winners_of(result)} == {
        stands["tanja"].pk,
        stands["nador"].pk,
    }
    assert result.trail["ties"] == [1]
    assert result.trail["winners"][0]["rows"]["founded_on"] == "1955-06-01"
    # Al Amal has no founding date: listed apart, not ranked.
    assert result.trail["excluded"][0]["key"] == stands["amal"].pk
    services.set_ranking(actor=organiser, category=category, tie_break="secondary", normalise=False)
    result = services.compute(actor=organiser, category=category)
    # Nador has 20 members, Tanja 15.
    assert [(w.exhibitor_id, w.measure) for w in selectors.winners_of(result)] == [
        (stands["nador"].pk, "1955-06-01")
    ]
    assert result.tie_break == "secondary"
    assert result.trail["runner_ups"][0]["key"] == stands["tanja"].pk


def test_oldest_artisan_in_a_craft_at_risk(organiser, edition, stands):
    with pytest.raises(ValidationError):  # no list of crafts yet
        computed(organiser, edition, "oldest_artisan")
    brass = services.add_craft(actor=organiser, edition=edition, name_fr="Dinanderie")
    loom = services.add_craft(actor=organiser, edition=edition, name_fr="Tissage de Jbala")
    services.set_practice(actor=organiser, craft=brass, exhibitor=stands["dinanderie"], since=1971)
    services.set_practice(actor=organiser, craft=loom, exhibitor=stands["amal"], since=1968)
    services.set_practice(actor=organiser, craft=brass, exhibitor=stands["amal"], since=1990)
    with pytest.raises(ValidationError):
        services.set_practice(actor=organiser, craft=brass, exhibitor=stands["amal"], since=2031)
    everything = computed(organiser, edition, "oldest_artisan")
    result = services.compute(actor=organiser, category=everything)
    # 2024 − 1968 = 56 years of weaving.
    assert [(w.exhibitor_id, w.measure) for w in selectors.winners_of(result)] == [
        (stands["amal"].pk, "56")
    ]
    only_brass = computed(organiser, edition, "oldest_artisan", params={"crafts": [brass.pk]})
    result = services.compute(actor=organiser, category=only_brass)
    assert [w.exhibitor_id for w in selectors.winners_of(result)] == [stands["dinanderie"].pk]
    assert result.trail["winners"][0]["rows"] == {"craft": "Dinanderie", "since": 1971}


def test_most_b2b_deals_counts_a_meeting_once_whoever_reported_it(
    organiser, edition, stands, buyer
):
    programme = Programme.objects.create(edition=edition, days=[edition.starts_on.isoformat()])
    company = buyer.memberships.get().organisation
    buying = Profile.objects.create(programme=programme, organisation=company, side="buyer")
    sellers = {
        key: Profile.objects.create(
            programme=programme, organisation=stands[key].organisation, side="seller"
        )
        for key in ("amal", "coral")
    }

    def meeting(seller, *results):
        m = Meeting.objects.create(programme=programme, buyer=buying, status="accepted", slot=1)
        m.sellers.add(sellers[seller])
        for profile, result, amount in results:
            Outcome.objects.create(meeting=m, profile=profile, result=result, amount=amount)
        return m

    meeting("amal", (buying, "deal", Decimal("10000")), (sellers["amal"], "deal", Decimal("12000")))
    meeting("amal", (sellers["amal"], "lead", None))
    meeting("coral", (buying, "deal", Decimal("3000")))
    meeting("coral", (sellers["coral"], "deal", Decimal("2500")))
    category = computed(organiser, edition, "most_deals")
    result = services.compute(actor=organiser, category=category)
    assert [(w.exhibitor_id, w.measure) for w in selectors.winners_of(result)] == [
        (stands["coral"].pk, "2")
    ]
    assert result.trail["runner_ups"][0]["measure"] == "1"
    assert result.trail["runner_ups"][0]["secondary"] == "12000.00"


def test_most_visited_session(organiser, edition):
    start = timezone.make_aware(datetime.datetime(2024, 6, 1, 10))
    room = Room.objects.create(edition=edition, name_fr="Salle A", name_ar="القاعة", capacity=80)

    def session(title, people, published=True):
        s = Session.objects.create(
            edition=edition,
            kind="seminar",
            title_fr=title,
            capacity=100,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            published=published,
            room=room,
        )
        for i in range(people):
            CheckIn.objects.create(session=s, walk_in_name=f"P{i}", key=f"{title}-{i}")
        return s

    session("E-marketing", 3)
    talk = session("Export", 5)
    session("Draft", 9, published=False)
    category = computed(organiser, edition, "most_visited_session")
    result = services.compute(actor=organiser, category=category)
    [winner] = selectors.winners_of(result)
    assert (winner.session_id, winner.exhibitor_id, winner.measure) == (talk.pk, None, "5")


@pytest.mark.parametrize(
    "rule, params, message",
    [
        ("highest_sales", {"minimum": "beaucoup"}, "The minimum must be an amount"),
        ("highest_sales", {"minimum": "-1"}, "The minimum must be an amount"),
        ("highest_sales", {"top": 3}, "This rule takes no parameter named"),
        ("oldest_cooperative", {"kinds": ["castle"]}, "Choose kinds of organisation"),
        ("oldest_cooperative", {"kinds": []}, "Choose kinds of organisation"),
        ("oldest_cooperative", [], "The parameters must be a set of named values"),
        ("", {}, "Choose the rule"),
    ],
)
def test_a_rule_with_parameters_that_make_no_sense_is_refused(
    organiser, edition, rule, params, message
):
    with pytest.raises(ValidationError) as error:
        computed(organiser, edition, rule, params=params)
    assert message in str(error.value)
    assert not AwardCategory.objects.exists()


def test_only_organisers_add_and_compute_and_every_change_is_audited(
    organiser, other_organiser, juror, edition, stands
):
    with pytest.raises(PermissionDenied):
        computed(other_organiser, edition, "oldest_cooperative")
    category = computed(organiser, edition, "oldest_cooperative")
    with pytest.raises(PermissionDenied):
        services.compute(actor=juror, category=category)
    services.compute(actor=organiser, category=category)
    assert AuditEvent.objects.filter(model="awards.awardcategory", user=organiser).exists()
    assert AuditEvent.objects.filter(model="awards.result", user=organiser).exists()


def test_a_locked_computed_result_never_changes(organiser, edition, stands):
    category = computed(organiser, edition, "oldest_cooperative", tie_break="secondary")
    with pytest.raises(ValidationError, match="Compute the results before locking"):
        services.lock(actor=organiser, category=category)
    services.compute(actor=organiser, category=category)
    services.lock(actor=organiser, category=category)
    stands["tanja"].organisation.founded_on = datetime.date(1930, 1, 1)
    stands["tanja"].organisation.save()
    with pytest.raises(ValidationError, match="locked"):
        services.compute(actor=organiser, category=category)
    with pytest.raises(ValidationError, match="locked"):
        services.set_ranking(
            actor=organiser, category=category, tie_break="shared", normalise=False
        )
    result = Result.objects.get(category=category)
    assert [w.exhibitor_id for w in selectors.winners_of(result)] == [stands["nador"].pk]
