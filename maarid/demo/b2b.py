"""The reference fair's business meetings: about 60 buyers (the demo's companies, platforms and
institutions, and ten export agents and distributors) and 120 of the exhibiting cooperatives
and artisans as sellers; 400 accepted meetings (and some declined or left unanswered), three
group meetings of a platform onboarding cooperatives; two days of 20-minute slots at 25 tables
(two of them big), scheduled by the real scheduler and published; check-in and outcomes.

Deterministic and idempotent like the rest of the demo: the programme is rebuilt on each load.
"""

import datetime
import random
from decimal import Decimal
from typing import NamedTuple

from django.utils.text import slugify

from maarid.b2b import services
from maarid.b2b.models import Meeting, Outcome, Profile, Programme, Side, Table
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import SeriesOrganisation
from maarid.registry.models import BUYER_KINDS, Commune, Kind, Organisation

from . import content

SEED = 2024
SELLERS = 120
ACCEPTED = 400
DAYS = [datetime.date(2024, 6, 3), datetime.date(2024, 6, 4)]  # Monday and Tuesday
SMALL_TABLES, BIG_TABLES = 23, 2

_FILE = content.read_json("b2b.json")


class Agent(NamedTuple):
    """An export agent or distributor who comes for the meetings only."""

    name_fr: str
    name_ar: str
    province_id: str


AGENTS = [Agent(**row) for row in _FILE["agents"]]
# What buyers look for, by their sector.
SEEKS: dict[str, str] = _FILE["seeks"]
# What the profiles say, drawn from these.
BUYER_SECTORS: list[str] = _FILE["buyer_sectors"]
BUYER_LANGUAGES: list[list[str]] = _FILE["buyer_languages"]
EXPORT_MARKETS: list[str] = _FILE["export_markets"]
ATTENDEES: list[str] = _FILE["attendees"]
OFFER_LANGUAGES: list[list[str]] = _FILE["seller_languages"]
VOLUMES: list[str] = _FILE["volumes"]
# The outcomes of the meetings held, with their weights.
RESULTS: list[tuple[str, int]] = list(_FILE["results"].items())


def load(edition) -> Programme:
    rng = random.Random(SEED)
    Programme.objects.filter(edition=edition).delete()
    programme = Programme.objects.create(
        edition=edition,
        days=[d.isoformat() for d in DAYS],
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(17, 30),
        afternoon_from=datetime.time(13, 0),
        pause_from=datetime.time(12, 50),
        pause_until=datetime.time(14, 10),
        slot_minutes=20,
        requests_open=False,
        max_breaks=3,
    )
    Table.objects.bulk_create(
        [Table(programme=programme, number=n, capacity=2) for n in range(1, SMALL_TABLES + 1)]
        + [Table(programme=programme, number=SMALL_TABLES + n, capacity=6) for n in (1, 2)]
    )
    buyers = _buyers(rng, programme, edition)
    sellers = _sellers(rng, programme, edition)
    _meetings(rng, programme, buyers, sellers)
    result = services.solve(programme=programme, time_limit=30)
    services.save_schedule(programme=programme, result=result)
    Meeting.objects.filter(programme=programme, slot__isnull=False).update(announced=True)
    programme.published_at = datetime.datetime(2024, 5, 28, 18, tzinfo=datetime.UTC)
    programme.save(update_fields=["published_at"])
    _the_day(rng, programme)
    return programme


def _agents(edition) -> list[Organisation]:
    agents = []
    for n, (name_fr, name_ar, province) in enumerate(AGENTS, start=1):
        head = f"{4_000_000 + n:09d}0000"
        organisation, _ = Organisation.objects.update_or_create(
            slug=slugify(name_fr),
            defaults={
                "kind": Kind.COMPANY,
                "name_fr": name_fr,
                "name_ar": name_ar,
                "province_id": province,
                "commune": Commune.objects.filter(province_id=province).order_by("pk").first(),
                "sector": "distribution",
                "ice": f"{head}{int(head) % 97:02d}",
                "email": f"contact@{slugify(name_fr)}.{content.EMAIL_DOMAIN}",
                "phone": f"+2126610020{n:02d}",
                "description_fr": _FILE["agent_description"]["fr"],
                "description_ar": _FILE["agent_description"]["ar"],
                "contact_public": True,
                "created_at": content.CREATED_AT,
            },
        )
        SeriesOrganisation.objects.get_or_create(
            series=edition.series,
            organisation=organisation,
            defaults={"added_at": content.CREATED_AT},
        )
        agents.append(organisation)
    return agents


def _buyers(rng, programme, edition) -> list[Profile]:
    registry = edition.series.organisations.filter(kind__in=BUYER_KINDS).order_by("slug")
    organisations = list(dict.fromkeys([*registry, *_agents(edition)]))
    profiles = []
    for organisation in organisations:
        profile = Profile.objects.create(
            programme=programme,
            organisation=organisation,
            side=Side.BUYER,
            seeks=SEEKS.get(organisation.sector, SEEKS["distribution"]),
            description_fr=organisation.description_fr,
            description_ar=organisation.description_ar,
            sectors=rng.sample(BUYER_SECTORS, 2),
            languages=rng.choice(BUYER_LANGUAGES),
            export_markets=rng.choice(EXPORT_MARKETS),
            attendees=rng.choice(ATTENDEES),
        )
        profiles.append(profile)
    return profiles


def _sellers(rng, programme, edition) -> list[Profile]:
    stands = list(
        active_exhibitors(edition)
        .select_related("organisation")
        .prefetch_related("organisation__products")
        .order_by("organisation__slug")
    )
    chosen = sorted(rng.sample(stands, min(SELLERS, len(stands))), key=lambda s: s.pk)
    slots = programme.slots()
    profiles = []
    for stand in chosen:
        organisation = stand.organisation
        products = list(organisation.products.all())[:6]
        unavailable = []
        if rng.random() < 0.15:  # the only member staffs the booth for half a day
            day = rng.choice(DAYS)
            half = rng.choice(["am", "pm"])
            unavailable = [s.index for s in slots if s.day == day and s.session == half]
        profile = Profile.objects.create(
            programme=programme,
            organisation=organisation,
            side=Side.SELLER,
            offers=", ".join(p.name_fr for p in products),
            description_fr=organisation.description_fr,
            description_ar=organisation.description_ar,
            sectors=[organisation.sector],
            languages=rng.choice(OFFER_LANGUAGES),
            volumes=rng.choice(VOLUMES),
            unavailable=unavailable,
        )
        profile.categories.set({p.category_id for p in products})
        profiles.append(profile)
    return profiles


def _meetings(rng, programme, buyers, sellers):
    """400 accepted meetings, sellers chosen mostly in the buyer's sectors; a few declined or
    never answered; three group meetings of a platform with four cooperatives."""
    pairs: set[tuple[int, int]] = set()
    load = {s.pk: 0 for s in sellers}
    accepted: list[tuple[Profile, Profile]] = []  # (buyer, seller)
    while len(accepted) < ACCEPTED:
        buyer = rng.choice(buyers)
        matching = [s for s in sellers if set(s.sectors) & set(buyer.sectors) and load[s.pk] < 7]
        pool = matching if matching and rng.random() < 0.8 else sellers
        seller = rng.choice(pool)
        if (buyer.pk, seller.pk) in pairs or load[seller.pk] >= 8:
            continue
        pairs.add((buyer.pk, seller.pk))
        load[seller.pk] += 1
        accepted.append((buyer, seller))
    meetings = []
    for n, (buyer, seller) in enumerate(accepted):
        asked_by_buyer = rng.random() < 0.55
        meetings.append(
            Meeting(
                programme=programme,
                buyer=buyer,
                requested_by=buyer if asked_by_buyer else seller,
                status=Meeting.Status.ACCEPTED,
                priority=rng.choice([1, 2, 2, 2, 3]),
                session=rng.choice(["", "", "", "", "am", "pm"]),
                decided_at=datetime.datetime(2024, 5, 20, 10, tzinfo=datetime.UTC)
                + datetime.timedelta(hours=n),
            )
        )
    for status in [Meeting.Status.DECLINED] * 35 + [Meeting.Status.REQUESTED] * 15:
        buyer, seller = rng.choice(buyers), rng.choice(sellers)
        if (buyer.pk, seller.pk) in pairs:
            continue
        pairs.add((buyer.pk, seller.pk))
        accepted.append((buyer, seller))
        meetings.append(
            Meeting(programme=programme, buyer=buyer, requested_by=seller, status=status)
        )
    Meeting.objects.bulk_create(meetings)
    Through = Meeting.sellers.through
    Through.objects.bulk_create(
        [
            Through(meeting_id=m.pk, profile_id=seller.pk)
            for m, (_b, seller) in zip(meetings, accepted, strict=True)
        ]
    )
    platforms = [b for b in buyers if b.organisation.kind == Kind.PLATFORM][:3]
    for platform in platforms:
        group = rng.sample(
            [s for s in sellers if "handicrafts" in s.sectors or "terroir" in s.sectors], 4
        )
        meeting = Meeting.objects.create(
            programme=programme,
            buyer=platform,
            by_organiser=True,
            status=Meeting.Status.ACCEPTED,
            priority=1,
            message=_FILE["group_meeting"],
        )
        meeting.sellers.set(group)


def _the_day(rng, programme):
    """Most meetings were held, some were missed; those held have outcomes from their people."""
    placed = list(
        Meeting.objects.filter(programme=programme, slot__isnull=False)
        .prefetch_related("sellers")
        .order_by("pk")
    )
    outcomes = []
    for meeting in placed:
        meeting.attendance = "held" if rng.random() < 0.88 else "missed"
        if meeting.attendance != "held":
            continue
        for profile in [meeting.buyer, *meeting.sellers.all()]:
            if rng.random() < 0.7:  # not everybody fills in the form
                result = rng.choices([r for r, _w in RESULTS], [w for _r, w in RESULTS])[0]
                amount = Decimal(rng.randrange(5, 150) * 1000) if result == "deal" else None
                outcomes.append(
                    Outcome(meeting=meeting, profile=profile, result=result, amount=amount)
                )
    Meeting.objects.bulk_update(placed, ["attendance"])
    Outcome.objects.bulk_create(outcomes, ignore_conflicts=True)
