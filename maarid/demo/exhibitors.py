"""The call for exhibitors of the reference fair: its rules, about 230 applications
with the products each applicant brings, two reviews per application, the real selection run
and its 165 exhibitors; and the exhibitors of the two earlier editions, which is what makes an
applicant a first-timer or not.

The rules of loader.py hold here too:

- Deterministic. Marks, products, booth needs and dates come from ``random.Random(2024)`` (an
  instance of its own, so the organisations drawn by loader.py do not change) and from fixed
  dates in spring 2024; timestamps the services take from the clock are set back to those dates.
- Idempotent. Rows are found by natural keys (the call by its edition, an application by its
  organisation, a review by its reviewer, a score by its criterion), so a second load refreshes
  the call instead of duplicating it; the products of the demo's applications and its selection
  runs are replaced.

The selection is the real one (``services.run_selection``) and the decisions are published with
``services.publish_decisions``; nobody is messaged, as the demo's applicants are marked as told
before the decisions go out.
"""

import datetime
import random
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F

from maarid.core.models import User
from maarid.exhibitors import scoring, services
from maarid.exhibitors.models import (
    Application,
    ApplicationProduct,
    BoothSize,
    Call,
    Criterion,
    Exhibitor,
    RequiredDocument,
    Review,
    Score,
    SectorQuota,
)
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Organisation

from . import content

SEED = 2024
EXHIBITING_KINDS = [Kind.COOPERATIVE, Kind.ASSOCIATION, Kind.GIE, Kind.ARTISAN]
APPLICATIONS = 230
REVIEWERS = ["reviewer", "reviewer2", "reviewer3"]
# How harsh (< 0) or lenient (> 0) each reviewer is: the call normalises their marks.
REVIEWER_BIAS = {"reviewer": 0.0, "reviewer2": -0.7, "reviewer3": 0.5}
# Exhibitors of the earlier, smaller editions (drawn among organisations founded before them).
PAST_EXHIBITORS = {1: 70, 2: 110}

_FILE = content.read_json("exhibitors.json")
# The call's settings; every organisation that exhibits may apply.
CALL = {
    **_FILE["call"],
    "opens_on": datetime.date.fromisoformat(_FILE["call"]["opens_on"]),
    "closes_on": datetime.date.fromisoformat(_FILE["call"]["closes_on"]),
    "disagreement": Decimal(_FILE["call"]["disagreement"]),
    "eligible_kinds": [str(k) for k in EXHIBITING_KINDS],
}
# Sector: (at least, at most), sized on the demo's applicants (about 105 terroir, 70
# handicrafts, 30 textiles, 10 cosmetics and a few of each other sector).
SECTOR_QUOTAS: dict[str, tuple[int | None, int | None]] = {
    sector: (low, high) for sector, (low, high) in _FILE["sector_quotas"].items()
}
ASSIGNED_AT = datetime.datetime(2024, 4, 15, 9, 0, tzinfo=datetime.UTC)
SELECTED_AT = datetime.datetime(2024, 5, 2, 10, 0, tzinfo=datetime.UTC)
PUBLISHED_AT = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.UTC)

# The organisations the awards point at: accepted, whatever their marks (loader.py's keys).
MUST_EXHIBIT = [
    "coral-divers",
    "oldest-cooperative",
    "eco-cooperative",
    "oldest-artisan",
    "jellaba-bziouiya",
]
# Organisers pin these whatever the marks (key: the reason): crafts at risk of disappearing are
# shown on purpose.
PINNED: dict[str, str] = _FILE["pinned"]
PIN_IF_NEEDED: str = _FILE["pin_if_needed"]


class ListedProduct(NamedTuple):
    """A product an applicant may list: French, Arabic, lowest and highest price in MAD."""

    name_fr: str
    name_ar: str
    low: int
    high: int


# Products by activity (content.ACTIVITIES) and by craft (content.CRAFTS); and the catalogue
# category of those whose category is not their activity's, by French name.
PRODUCTS: dict[str, list[ListedProduct]] = {}
NAME_CATEGORY: dict[str, str] = {}
for _row in content.read_csv("application_products.csv"):
    PRODUCTS.setdefault(_row["activity"], []).append(
        ListedProduct(_row["name_fr"], _row["name_ar"], int(_row["low"]), int(_row["high"]))
    )
    if _row["category"]:
        NAME_CATEGORY[_row["name_fr"]] = _row["category"]
# When an organisation's activity cannot be read from its description.
BY_SECTOR: dict[str, str] = _FILE["activity_of_sector"]
# Activities whose products need cold or water at the booth.
REFRIGERATED = set(_FILE["refrigerated"])
WATER = set(_FILE["water"])
MOTIVATIONS: list[str] = _FILE["motivations"]
COMMENTS: list[str] = _FILE["comments"]

# The default rubric (services.DEFAULT_CRITERIA), by position: what lifts each mark.
QUALITY, INNOVATION, LOCAL_VALUE, ENVIRONMENT, INCLUSION, SALES = range(6)


def load(
    editions: dict[int, Edition],
    everyone: dict[str, Organisation],
    organisations: dict[str, Organisation],
):
    """Loads the call of the reference edition and everything hanging from it. ``everyone``
    holds the demo's organisations by slug, ``organisations`` the hand-written ones by key."""
    rng = random.Random(SEED)
    edition = editions[content.REFERENCE_EDITION]
    organiser = User.objects.get(username="organiser")
    reviewers = list(User.objects.filter(username__in=REVIEWERS).order_by("username"))
    # The demo's own organisations only (one added by hand changes no draw), in slug order:
    # slugs are stable, so the order is the same on every load.
    pool = [everyone[slug] for slug in sorted(everyone) if everyone[slug].kind in EXHIBITING_KINDS]
    special = {organisations[key].pk for key in MUST_EXHIBIT + ["exhibitor-cooperative"]}

    load_past_exhibitors(rng, editions, pool)
    call = load_call(edition)
    applicants = draw_applicants(rng, pool, special)
    applications = load_applications(rng, call, applicants, organisations)
    load_products(rng, applications)
    load_reviews(rng, call, applications, reviewers, organiser, special)
    select(call, organiser, organisations)
    return call


# --- The earlier editions --------------------------------------------------------------------


def load_past_exhibitors(rng, editions, pool):
    """Who exhibited in 2019 and 2022: those applying again in 2024 are not first-timers."""
    for number, count in PAST_EXHIBITORS.items():
        edition = editions[number]
        founded = [o for o in pool if o.founded_on and o.founded_on < edition.starts_on]
        chosen = rng.sample(founded, count)
        created_at = datetime.datetime.combine(
            edition.starts_on - datetime.timedelta(days=30), datetime.time(9), datetime.UTC
        )
        Exhibitor.objects.bulk_create(
            [
                Exhibitor(
                    edition=edition,
                    organisation=o,
                    booth_size=BoothSize.SMALL,
                    created_at=created_at,
                )
                for o in chosen
            ],
            ignore_conflicts=True,
        )


# --- The call --------------------------------------------------------------------------------


def load_call(edition: Edition) -> Call:
    call, _ = Call.objects.update_or_create(
        edition=edition, defaults={**CALL, "decisions_published_at": None}
    )
    for order, (name_ar, name_fr, weight) in enumerate(services.DEFAULT_CRITERIA):
        Criterion.objects.update_or_create(
            call=call,
            order=order,
            defaults={"name_ar": name_ar, "name_fr": name_fr, "weight": weight},
        )
    for order, (name_ar, name_fr) in enumerate(services.DEFAULT_DOCUMENTS):
        RequiredDocument.objects.update_or_create(
            call=call, order=order, defaults={"name_ar": name_ar, "name_fr": name_fr}
        )
    for sector, (minimum, maximum) in SECTOR_QUOTAS.items():
        SectorQuota.objects.update_or_create(
            call=call, sector=sector, defaults={"minimum": minimum, "maximum": maximum}
        )
    call.sector_quotas.exclude(sector__in=SECTOR_QUOTAS).delete()
    return call


# --- Applications ----------------------------------------------------------------------------


def draw_applicants(rng, pool, special) -> list[Organisation]:
    """All but a few of the region's exhibiting organisations apply. Women's cooperatives all
    do: the call reserves them 30 % of the places, which the region's ESS networks make known."""
    optional = [
        o for o in pool if o.pk not in special and not (o.kind == Kind.COOPERATIVE and o.women_led)
    ]
    staying_home = set(rng.sample([o.pk for o in optional], len(pool) - APPLICATIONS))
    return [o for o in pool if o.pk not in staying_home]


def activity_of(organisation: Organisation) -> str:
    """The activity (or craft) the organisation was drawn with, read back from its description
    (loader.describe_applicant and describe_artisan write it there)."""
    if organisation.kind == Kind.ARTISAN:
        for key, craft in content.CRAFTS.items():
            if f"en {craft.name_fr} à" in organisation.description_fr:
                return key
    else:
        for key, activity in content.ACTIVITIES.items():
            if activity.products_fr in organisation.description_fr:
                return key
    return BY_SECTOR.get(organisation.sector, "olive_oil")


def load_applications(rng, call, applicants, organisations) -> list[Application]:
    exhibitor_coop = organisations["exhibitor-cooperative"]
    exhibitor = User.objects.get(username="exhibitor")
    past = set(
        Exhibitor.objects.filter(edition__series_id=call.edition.series_id)
        .exclude(edition=call.edition)
        .values_list("organisation_id", flat=True)
    )
    opens = datetime.datetime.combine(call.opens_on, datetime.time(8), datetime.UTC)
    span = (call.closes_on - call.opens_on).days * 86400 + 10 * 3600
    rows = []
    for organisation in applicants:
        activity = activity_of(organisation)
        # Many apply in the last days before the deadline.
        submitted_at = opens + datetime.timedelta(seconds=int(rng.triangular(0, span, span * 0.9)))
        booth = (
            BoothSize.SMALL
            if organisation.kind == Kind.ARTISAN
            else rng.choices(list(BoothSize), weights=[6, 3, 1])[0]
        )
        rows.append(
            Application(
                call=call,
                organisation=organisation,
                created_by=exhibitor if organisation.pk == exhibitor_coop.pk else None,
                status=Application.Status.SUBMITTED,
                decision=Application.Decision.PENDING,
                motivation=rng.choice(MOTIVATIONS),
                booth_size=booth,
                electricity=rng.random() < 0.6,
                water=activity in WATER and rng.random() < 0.7,
                refrigeration=activity in REFRIGERATED,
                first_time=organisation.pk not in past,
                submitted_at=submitted_at,
                withdrawn_at=None,
                score=None,
                rank=None,
                reason={},
                pinned=None,
                override_reason="",
                overridden_by=None,
                decided_at=None,
                notified_decision="",
            )
        )
    fields = [
        f.name
        for f in Application._meta.concrete_fields
        if f.name not in ("id", "call", "organisation")
    ]
    Application.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["call", "organisation"], update_fields=fields
    )
    by_organisation = {
        a.organisation_id: a
        for a in call.applications.select_related("organisation").order_by("id")
    }
    return [by_organisation[o.pk] for o in applicants]


def load_products(rng, applications):
    """Two to six products each, drawn from the list of the applicant's activity."""
    ApplicationProduct.objects.filter(application__in=applications).delete()
    rows = []
    for application in applications:
        choices = PRODUCTS[activity_of(application.organisation)]
        count = min(rng.randint(2, 6), len(choices))
        for order, (name_fr, name_ar, low, high) in enumerate(rng.sample(choices, count)):
            price = Decimal(rng.randint(low, high))
            if high <= 100:  # small items are priced to the half dirham
                price += Decimal("0.50") * rng.randint(0, 1)
            rows.append(
                ApplicationProduct(
                    application=application,
                    name_fr=name_fr,
                    name_ar=name_ar,
                    price=price,
                    order=order,
                )
            )
    ApplicationProduct.objects.bulk_create(rows, batch_size=500)


# --- Reviews ---------------------------------------------------------------------------------


def load_reviews(rng, call, applications, reviewers, organiser, special):
    """Two reviewers per application, in turn, each marking the six criteria from what the
    organisation is (an unseen quality, plus what each criterion looks at) and their own bias."""
    criteria = list(call.criteria.order_by("order"))
    weights = {c.pk: c.weight for c in criteria}
    rows, marks_by_pair = [], {}
    for index, application in enumerate(applications):
        organisation = application.organisation
        quality = min(9.5, max(2.0, rng.gauss(6.3, 1.4)))
        if application.organisation_id in special:
            quality = max(quality, 8.0)
        pair = [reviewers[index % len(reviewers)], reviewers[(index + 1) % len(reviewers)]]
        for reviewer in pair:
            noise = rng.gauss(0, 1.8) if rng.random() < 0.06 else 0.0  # a strong disagreement
            marks = {}
            for position, criterion in enumerate(criteria):
                value = quality + REVIEWER_BIAS[reviewer.username] + noise + rng.gauss(0, 0.9)
                value += lift(position, organisation, application)
                marks[criterion.pk] = int(min(10, max(0, round(value))))
            total = scoring.weighted_total(marks, weights)
            submitted_at = ASSIGNED_AT + datetime.timedelta(
                days=rng.randint(1, 14), hours=rng.randint(0, 9)
            )
            comment = rng.choice(COMMENTS) if rng.random() < 0.4 else ""
            rows.append(
                Review(
                    application=application,
                    reviewer=reviewer,
                    assigned_at=ASSIGNED_AT,
                    assigned_by=organiser,
                    submitted_at=submitted_at,
                    comment=comment,
                    total=total,
                )
            )
            marks_by_pair[(application.pk, reviewer.pk)] = marks
    Review.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["application", "reviewer"],
        update_fields=["assigned_at", "assigned_by", "submitted_at", "comment", "total"],
        batch_size=500,
    )
    reviews = Review.objects.filter(application__call=call).values_list(
        "pk", "application_id", "reviewer_id"
    )
    scores: list[Score] = []
    stale: list[int] = []
    for pk, application_id, reviewer_id in reviews:
        found = marks_by_pair.get((application_id, reviewer_id))
        if found is None:
            stale.append(pk)
            continue
        scores += [Score(review_id=pk, criterion_id=c, value=v) for c, v in found.items()]
    Review.objects.filter(pk__in=stale).delete()
    Score.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["review", "criterion"],
        update_fields=["value"],
        batch_size=1000,
    )


def lift(position: int, organisation: Organisation, application: Application) -> float:
    """What a criterion sees beyond the overall quality."""
    if position == INCLUSION and organisation.women_led:
        return 1.5
    if position == ENVIRONMENT and organisation.eco_friendly:
        return 3.0
    if position == LOCAL_VALUE and organisation.craft_at_risk:
        return 2.0
    if position == INNOVATION and application.first_time:
        return 0.5
    return 0.0


# --- The selection ---------------------------------------------------------------------------


def select(call: Call, organiser: User, organisations: dict[str, Organisation]):
    """Runs the real selection; pins (with a reason) the award winners it left out, if any, and
    runs it again; then publishes the decisions without messaging anyone."""
    call.runs.all().delete()
    for key, reason in PINNED.items():
        services.override(
            actor=organiser,
            application=application_of(call, organisations[key]),
            accept=True,
            reason=reason,
        )
    services.run_selection(actor=organiser, call=call)
    missing = [
        application
        for key in MUST_EXHIBIT
        if (application := application_of(call, organisations[key])).decision
        != Application.Decision.ACCEPTED
    ]
    for application in missing:
        services.override(
            actor=organiser, application=application, accept=True, reason=PIN_IF_NEEDED
        )
    if missing:
        services.run_selection(actor=organiser, call=call)
    submitted = call.applications.filter(status=Application.Status.SUBMITTED)
    submitted.update(notified_decision=F("decision"), decided_at=SELECTED_AT)
    call.runs.update(run_at=SELECTED_AT)
    services.publish_decisions(actor=organiser, call=call)
    Call.objects.filter(pk=call.pk).update(decisions_published_at=PUBLISHED_AT)
    Exhibitor.objects.filter(edition=call.edition, application__isnull=False).update(
        created_at=PUBLISHED_AT
    )


def application_of(call: Call, organisation: Organisation) -> Application:
    return call.applications.get(organisation=organisation)
