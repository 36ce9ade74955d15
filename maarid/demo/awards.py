"""The reference fair's eight awards, handed out at its closing ceremony (``data/awards.json``).

Seven categories, eight winners: four judged by a jury of the demo's four jurors (the ``juror``
account chairs it) — best product, best booth, the most eco-friendly cooperative (the recycling
cooperative from Nador) and innovation, which had two winners — and three computed from the
demo's own data: the oldest cooperative (the registry's founding dates: the fishermen's
cooperative founded in Tangier in 1955), the oldest artisan in a craft at risk of disappearing
(the organisers' list of crafts at risk, each artisan practising since they set up on their own)
and the highest sales at the fair (the ledger, voids taken off: the national association of coral
divers, as sales.py makes it).

Everything goes through the awards' services, as the organisers and jurors would have done it:
categories, criteria, jury, marks (each juror marks the same eight contenders of a category, the
winners above the others), a declared conflict of interest, the results computed, locked by the
jury's chair (an organiser for the computed ones) and published, the winners' certificates, and
the ceremony's running order (speeches, the partners' shields, the awards). The real winners of
the judged awards the press did not name (best product aside: the demo exhibitor's women's
cooperative) are drawn with a fixed seed. Should a change of the demo's data make another
exhibitor win, loading stops with a clear error rather than show the wrong winner.

Deterministic (the service's own timestamps are set back to the fair's days) and idempotent:
the edition's awards are rebuilt on each load.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from maarid.awards import certificates, services
from maarid.awards.models import (
    ArtisanPractice,
    AwardCategory,
    CeremonyItem,
    Conflict,
    CraftAtRisk,
    Criterion,
    Juror,
    Result,
    Score,
    Winner,
)
from maarid.awards.selectors import eligible
from maarid.core.access import Role
from maarid.core.models import Certificate, User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition, SeriesRole
from maarid.registry.models import Kind, Organisation

from . import content

SEED = 2024
LOCAL = ZoneInfo("Africa/Casablanca")
_FILE = content.read_json("awards.json")
MARKING = _FILE["marking"]


def load(edition: Edition, keyed: dict[str, Organisation]) -> list[AwardCategory]:
    """Rebuilds the awards of ``edition``; returns its categories in the ceremony's order."""
    rng = random.Random(SEED)
    clear(edition)
    organiser = _organiser(edition)
    users = {u.username: u for u in User.objects.filter(username__in=_FILE["jurors"])}
    missing = sorted(set(_FILE["jurors"]) - set(users))
    if missing:
        raise RuntimeError(f"The demo's awards need the juror accounts {missing}.")
    chair = users[_FILE["chair"]]
    exhibitor_of = {
        e.organisation_id: e
        for e in Exhibitor.objects.filter(edition=edition).select_related("organisation")
    }
    _crafts_at_risk(edition, organiser, exhibitor_of.values())
    named = {
        exhibitor_of[keyed[key].pk].pk
        for row in _FILE["categories"]
        for key in row.get("winners", [])
    }
    categories: list[AwardCategory] = []
    expected: dict[int, set[int]] = {}
    for row in _FILE["categories"]:
        category = services.create_category(
            actor=organiser,
            edition=edition,
            kind=row["kind"],
            name_ar=row["name_ar"],
            name_fr=row["name_fr"],
            name_en=row["name_en"],
            places=row.get("places", 1),
            eligible_kinds=row.get("eligible_kinds", []),
            eligible_sectors=row.get("eligible_sectors", []),
            rule=row.get("rule", ""),
            params=row.get("params"),
            tie_break=row.get("tie_break", "shared"),
            normalise=row.get("normalise", False),
        )
        categories.append(category)
        winners = {exhibitor_of[keyed[key].pk].pk for key in row.get("winners", [])}
        if row["kind"] == AwardCategory.Kind.JUDGED:
            candidates = [e for e in eligible(category) if e.pk not in named]
            candidates.sort(key=lambda e: e.organisation.slug)
            drawn = rng.sample(candidates, row.get("draw", 0))
            named |= {e.pk for e in drawn}
            winners |= {e.pk for e in drawn}
            _jury(rng, category, row, organiser, users, chair, winners, named)
        expected[category.pk] = winners
    for category in categories:
        actor = chair if category.kind == AwardCategory.Kind.JUDGED else organiser
        result = services.compute(actor=actor, category=category)
        won = set(Winner.objects.filter(result=result).values_list("exhibitor_id", flat=True))
        if won != expected[category.pk]:
            raise RuntimeError(
                f"The demo's award “{category.name_fr}” went to {sorted(won)}, not to "
                f"{sorted(expected[category.pk])}: the demo's data changed."
            )
        services.lock(actor=actor, category=category)
        services.publish(actor=organiser, category=category, at=_at(_FILE["published_at"]))
    services.issue_certificates(actor=organiser, edition=edition)
    _ceremony(edition, organiser)
    _timestamps(edition)
    return categories


def clear(edition: Edition) -> None:
    # Certificates are never deleted in use (revoked, replaced); the demo's are rebuilt.
    issued = Certificate.objects.filter(group=certificates.group_of(edition))
    issued.update(replaced_by=None)
    issued.delete()
    CeremonyItem.objects.filter(edition=edition).delete()
    Winner.objects.filter(result__category__edition=edition).delete()
    Result.objects.filter(category__edition=edition).delete()
    Score.objects.filter(category__edition=edition).delete()
    Conflict.objects.filter(juror__category__edition=edition).delete()
    Juror.objects.filter(category__edition=edition).delete()
    Criterion.objects.filter(category__edition=edition).delete()
    AwardCategory.objects.filter(edition=edition).delete()
    ArtisanPractice.objects.filter(craft__edition=edition).delete()
    CraftAtRisk.objects.filter(edition=edition).delete()


def _organiser(edition: Edition) -> User:
    """The series' organiser (the demo's organiser account): the awards' services check it."""
    role = (
        SeriesRole.objects.filter(series=edition.series, role=Role.ORGANISER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is None:
        raise RuntimeError("The demo's awards need an organiser of the series.")
    return role.user


def _crafts_at_risk(edition: Edition, organiser: User, exhibitors) -> None:
    """The organisers' list of crafts at risk (those of ``crafts.csv``), and the artisans
    exhibiting who practise one, since the year they set up on their own (the registry's
    founding date; an artisan's name ends with their craft in brackets)."""
    crafts = {}
    for about in content.CRAFTS.values():
        if about.at_risk:
            crafts[about.name_fr] = services.add_craft(
                actor=organiser, edition=edition, name_ar=about.name_ar, name_fr=about.name_fr
            )
    for exhibitor in sorted(exhibitors, key=lambda e: e.organisation.slug):
        organisation = exhibitor.organisation
        if organisation.kind != Kind.ARTISAN or organisation.founded_on is None:
            continue
        # Some crafts' names have brackets of their own: "… (peinture sur bois (zouak))".
        craft = next(
            (c for name, c in crafts.items() if organisation.name_fr.endswith(f" ({name})")), None
        )
        if craft is not None and exhibitor.status == Exhibitor.Status.ACTIVE:
            services.set_practice(
                actor=organiser,
                craft=craft,
                exhibitor=exhibitor,
                since=organisation.founded_on.year,
            )


def _jury(rng, category, row, organiser, users, chair, winners, named) -> None:
    """Criteria, the jury and its marks: each juror marks the winners and a few others, the
    winners above every other contender on every criterion."""
    criteria = [
        services.add_criterion(
            actor=organiser,
            category=category,
            name_ar=c["name_ar"],
            name_fr=c["name_fr"],
            name_en=c["name_en"],
            weight=c["weight"],
        )
        for c in row["criteria"]
    ]
    jurors = [
        services.add_juror(
            actor=organiser, category=category, user=users[name], chair=users[name] == chair
        )
        for name in _FILE["jurors"]
    ]
    others = sorted(
        (e for e in eligible(category) if e.pk not in named), key=lambda e: e.organisation.slug
    )
    contenders = [e for e in eligible(category) if e.pk in winners]
    contenders += rng.sample(others, MARKING["contenders"] - len(contenders))
    conflict = _FILE["conflict"]
    recused = None
    if conflict["category"] == row["key"]:
        juror = next(j for j in jurors if j.user.username == conflict["juror"])
        recused = (juror.pk, contenders[-1].pk)
        services.declare_conflict(
            actor=juror.user, juror=juror, exhibitor=contenders[-1], reason=conflict["reason"]
        )
    for juror in jurors:
        for exhibitor in contenders:
            if (juror.pk, exhibitor.pk) == recused:
                continue
            low, high = MARKING["winner"] if exhibitor.pk in winners else MARKING["others"]
            services.score(
                actor=juror.user,
                juror=juror,
                exhibitor=exhibitor,
                marks={c.pk: rng.randint(low, high) for c in criteria},
                note=row["note"] if exhibitor.pk in winners and juror.user == chair else "",
            )


def _ceremony(edition: Edition, organiser: User) -> None:
    """Speeches, a shield for each partner, the awards in their order, then the close."""
    for moment in _FILE["ceremony"]["before"]:
        services.add_moment(actor=organiser, edition=edition, **moment)
    services.add_shields_and_awards(actor=organiser, edition=edition)
    for moment in _FILE["ceremony"]["after"]:
        services.add_moment(actor=organiser, edition=edition, **moment)


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def _timestamps(edition: Edition) -> None:
    """The services stamp rows with the time of the load: set them back to the fair's days,
    so that two loads give the same awards."""
    created = _at(_FILE["created_at"])
    AwardCategory.objects.filter(edition=edition).update(created_at=created)
    Juror.objects.filter(category__edition=edition).update(added_at=created)
    first, last = (datetime.date.fromisoformat(d) for d in MARKING["days"])
    days = (last - first).days + 1
    start, end = MARKING["hours"]
    rng = random.Random(SEED)
    for pk, exhibitor_id in (
        Score.objects.filter(category__edition=edition)
        .order_by("juror_id", "exhibitor_id")
        .values_list("juror_id", "exhibitor_id")
        .distinct()
    ):
        at = datetime.datetime.combine(
            first + datetime.timedelta(days=rng.randrange(days)),
            datetime.time(rng.randrange(start, end), rng.randrange(60)),
            tzinfo=LOCAL,
        )
        Score.objects.filter(juror_id=pk, exhibitor_id=exhibitor_id).update(scored_at=at)
    Conflict.objects.filter(juror__category__edition=edition).update(
        declared_at=datetime.datetime.combine(first, datetime.time(10, 30), tzinfo=LOCAL)
    )
    locked = _at(_FILE["locked_at"])
    Result.objects.filter(category__edition=edition).update(
        computed_at=locked - datetime.timedelta(minutes=30), locked_at=locked
    )
    Certificate.objects.filter(group=certificates.group_of(edition)).update(
        issued_at=_at(_FILE["certified_at"])
    )
