"""Reads of the awards app: categories, who may score what, the rows each computed rule reads
(turned into the plain data of ``rules``), the jury's marks and progress, published results."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from maarid.b2b.models import Outcome
from maarid.core import access, hooks
from maarid.core.models import User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition, Partner
from maarid.programme.models import Registration, Session
from maarid.registry.models import Membership
from maarid.sales.models import Sale

from . import rules
from .models import (
    MEASURES,
    ArtisanPractice,
    AwardCategory,
    CeremonyItem,
    Conflict,
    CraftAtRisk,
    Criterion,
    Juror,
    Result,
    Rule,
    Score,
    Winner,
)

# Corrections (voids, refunds) are few: their ids go into the trail up to this many.
TRAIL_IDS = 100


def categories_of(edition: Edition) -> QuerySet[AwardCategory]:
    return (
        AwardCategory.objects.filter(edition=edition)
        .select_related("edition__series", "result")
        .annotate(juror_count=Count("jurors", distinct=True))
    )


def category_of(edition: Edition, pk: int) -> AwardCategory:
    return get_object_or_404(
        AwardCategory.objects.select_related("edition__series"), edition=edition, pk=pk
    )


def criteria_of(category: AwardCategory) -> list[Criterion]:
    return list(Criterion.objects.filter(category=category))


def jurors_of(category: AwardCategory) -> list[Juror]:
    return list(Juror.objects.filter(category=category).select_related("user"))


def result_of(category: AwardCategory) -> Result | None:
    return Result.objects.filter(category=category).first()


def winners_of(result: Result) -> list[Winner]:
    return list(Winner.objects.filter(result=result).select_related("exhibitor__organisation"))


def crafts_of(edition: Edition) -> list[CraftAtRisk]:
    return list(CraftAtRisk.objects.filter(edition=edition))


def practices_of(edition: Edition) -> list[ArtisanPractice]:
    return list(
        ArtisanPractice.objects.filter(craft__edition=edition).select_related(
            "craft", "exhibitor__organisation"
        )
    )


def exhibitor_of(edition: Edition, pk: int) -> Exhibitor:
    return get_object_or_404(
        Exhibitor.objects.select_related("organisation"),
        edition=edition,
        pk=pk,
        status=Exhibitor.Status.ACTIVE,
    )


def user_by_name(username: str) -> User | None:
    return User.objects.filter(username__iexact=username.strip(), is_active=True).first()


# --- Eligibility and recusal ----------------------------------------------------------------


def eligible(category: AwardCategory) -> QuerySet[Exhibitor]:
    """The exhibitors who may win the category: exhibiting (not withdrawn), of the kinds and
    sectors it names, and at their first edition of the series when it asks for first-timers."""
    found = Exhibitor.objects.filter(
        edition_id=category.edition_id, status=Exhibitor.Status.ACTIVE
    ).select_related("organisation")
    if category.eligible_kinds:
        found = found.filter(organisation__kind__in=category.eligible_kinds)
    if category.eligible_sectors:
        found = found.filter(organisation__sector__in=category.eligible_sectors)
    if category.first_time_only:
        earlier = Exhibitor.objects.filter(
            organisation=OuterRef("organisation"),
            edition__series_id=category.edition.series_id,
            edition__starts_on__lt=category.edition.starts_on,
        )
        found = found.filter(~Exists(earlier))
    return found.order_by("organisation__name_fr", "pk")


def eligible_count(category: AwardCategory) -> int:
    return eligible(category).count()


def member_of(user: User) -> set[int]:
    """The organisations the user is an active member of."""
    return set(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


@dataclass(frozen=True)
class Recusal:
    exhibitor: int
    automatic: bool  # a member of the exhibiting organisation
    reason: str


def recusals(juror: Juror) -> dict[int, Recusal]:
    """The exhibitors a juror may not score: those of organisations they belong to (recused
    automatically) and those they declared a conflict with."""
    found: dict[int, Recusal] = {}
    organisations = member_of(juror.user)
    for pk in Exhibitor.objects.filter(
        edition_id=juror.category.edition_id, organisation_id__in=organisations
    ).values_list("pk", flat=True):
        found[pk] = Recusal(pk, True, "")
    for pk, reason in Conflict.objects.filter(juror=juror).values_list("exhibitor_id", "reason"):
        found.setdefault(pk, Recusal(pk, False, reason))
    return found


def all_recusals(category: AwardCategory) -> set[tuple[int, int]]:
    """(juror, exhibitor) pairs of the category whose marks never count."""
    return {
        (juror.pk, exhibitor)
        for juror in Juror.objects.filter(category=category).select_related("user", "category")
        for exhibitor in recusals(juror)
    }


def seat_of(user: User, category: AwardCategory) -> Juror | None:
    if not user.is_authenticated:
        return None
    return (
        Juror.objects.filter(category=category, user=user)
        .select_related("user", "category__edition__series")
        .first()
    )


def seats_of(user: User, edition: Edition) -> list[Juror]:
    """The judged categories of the edition the user sits on the jury of."""
    if not user.is_authenticated:
        return []
    return list(
        Juror.objects.filter(category__edition=edition, user=user)
        .select_related("category__edition__series")
        .order_by("category__position", "category__pk")
    )


def may_open_jury(user: User, edition: Edition) -> bool:
    """The jurors' home: the series' organisers and jurors, and whoever sits on a jury of it."""
    return (
        access.is_organiser(user, edition.series_id)
        or edition.series_id in access.facts(user).series_for(access.Role.JUROR)
        or bool(seats_of(user, edition))
    )


# --- The jury's marks -----------------------------------------------------------------------


def sheet(juror: Juror, exhibitor: Exhibitor) -> dict[int, Score]:
    """A juror's marks for an exhibitor, by criterion."""
    return {s.criterion_id: s for s in Score.objects.filter(juror=juror, exhibitor=exhibitor)}


def specs(category: AwardCategory) -> list[rules.CriterionSpec]:
    return [rules.CriterionSpec(c.pk, c.weight, c.low, c.high) for c in criteria_of(category)]


def marks(category: AwardCategory) -> list[rules.Mark]:
    return [
        rules.Mark(juror, exhibitor, criterion, value)
        for juror, exhibitor, criterion, value in Score.objects.filter(
            category=category
        ).values_list("juror_id", "exhibitor_id", "criterion_id", "value")
    ]


def labels(exhibitors: QuerySet[Exhibitor]) -> dict[int, str]:
    return {e.pk: e.organisation.name for e in exhibitors}


@dataclass(frozen=True)
class Progress:
    juror: Juror
    done: int  # exhibitors scored on every criterion
    started: int  # exhibitors with some marks, not all
    due: int  # eligible exhibitors the juror is not recused from

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.due) if self.due else 100


def progress(category: AwardCategory) -> list[Progress]:
    """How far each juror is: complete sheets out of the exhibitors they have to score."""
    eligible_ids = set(eligible(category).values_list("pk", flat=True))
    needed = Criterion.objects.filter(category=category).count()
    rows = (
        Score.objects.filter(category=category, exhibitor_id__in=eligible_ids)
        .values("juror_id", "exhibitor_id")
        .annotate(n=Count("id"))
    )
    per: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        per[row["juror_id"]].append(row["n"])
    found = []
    for juror in jurors_of(category):
        juror.category = category
        away = set(recusals(juror)) & eligible_ids
        counts = per.get(juror.pk, [])
        done = sum(1 for n in counts if needed and n >= needed)
        found.append(Progress(juror, done, len(counts) - done, len(eligible_ids) - len(away)))
    return found


# --- Rows the computed rules read -----------------------------------------------------------


def ledger_sums(category: AwardCategory) -> list[rules.LedgerSum]:
    """The sales ledger of the eligible exhibitors, per exhibitor and kind of entry."""
    exhibitors = eligible(category)
    names = labels(exhibitors)
    entries = Sale.objects.filter(edition_id=category.edition_id, exhibitor__in=exhibitors)
    corrections: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, exhibitor, kind in entries.exclude(kind=Sale.Kind.SALE).values_list(
        "pk", "exhibitor_id", "kind"
    ):
        corrections[(exhibitor, kind)].append(pk)
    rows = entries.values("exhibitor_id", "kind").annotate(n=Count("id"), t=Sum("total"))
    found = []
    for row in rows:
        ids = corrections.get((row["exhibitor_id"], row["kind"]), [])
        found.append(
            rules.LedgerSum(
                row["exhibitor_id"],
                names[row["exhibitor_id"]],
                row["kind"],
                row["n"],
                Decimal(row["t"] or 0),
                tuple(sorted(ids)) if len(ids) <= TRAIL_IDS else (),
            )
        )
    return found


def founding(category: AwardCategory) -> list[rules.Founded]:
    return [
        rules.Founded(
            e.pk,
            e.organisation.name,
            e.organisation.kind,
            e.organisation.founded_on,
            e.organisation.members_women + e.organisation.members_men,
        )
        for e in eligible(category)
    ]


def practising(category: AwardCategory) -> tuple[list[rules.Practice], list[int]]:
    eligible_ids = set(eligible(category).values_list("pk", flat=True))
    rows = [
        rules.Practice(
            p.exhibitor_id, p.exhibitor.organisation.name, p.craft_id, p.craft.name, p.since
        )
        for p in practices_of(category.edition)
        if p.exhibitor_id in eligible_ids
    ]
    return rows, [c.pk for c in crafts_of(category.edition)]


def deals(category: AwardCategory) -> list[rules.Deal]:
    """Meetings of the edition's B2B programme reported as a deal, for each eligible exhibitor
    selling in them."""
    exhibitors = {e.organisation_id: e for e in eligible(category)}
    found = []
    outcomes = Outcome.objects.filter(
        meeting__programme__edition_id=category.edition_id, result=Outcome.Result.DEAL
    ).values_list("meeting_id", "amount", "meeting__sellers__organisation_id")
    for meeting, amount, organisation in outcomes:
        exhibitor = exhibitors.get(organisation)
        if exhibitor is not None:
            found.append(rules.Deal(exhibitor.pk, exhibitor.organisation.name, meeting, amount))
    return found


def attendance(edition: Edition) -> list[rules.Attendance]:
    sessions = Session.objects.filter(edition=edition, published=True).annotate(
        checked=Count("check_ins", distinct=True),
        registered=Count(
            "registrations",
            filter=Q(registrations__status=Registration.Status.REGISTERED),
            distinct=True,
        ),
    )
    return [rules.Attendance(s.pk, s.title, s.checked, s.registered) for s in sessions]


def sessions_by_id(ids: list[int]) -> dict[int, Session]:
    return Session.objects.in_bulk(ids)


def exhibitors_by_id(ids: list[int]) -> dict[int, Exhibitor]:
    return Exhibitor.objects.in_bulk(ids)


# --- Results --------------------------------------------------------------------------------


@dataclass
class Published:
    category: AwardCategory
    winners: list[Winner]
    trail: dict[str, Any]


def published(edition: Edition) -> list[Published]:
    """The categories whose results are locked and published, with their winners."""
    results = (
        Result.objects.filter(category__edition=edition, locked=True, published_at__isnull=False)
        .select_related("category")
        .order_by("category__position", "category__pk")
    )
    return [Published(r.category, winners_of(r), r.trail) for r in results]


def measures(category: AwardCategory, result: Result | None) -> tuple[str, str]:
    """What the category ranks by and its second measure, in the page's language."""
    if category.kind == AwardCategory.Kind.COMPUTED:
        key = category.rule
    else:
        key = "jury-normalised" if result is not None and result.normalised else "jury"
    measure, secondary = MEASURES.get(key, ("", ""))
    return str(measure), str(secondary)


def rule_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Rule.choices}


# --- Pages ----------------------------------------------------------------------------------


def exhibitors_of(edition: Edition) -> QuerySet[Exhibitor]:
    return (
        Exhibitor.objects.filter(edition=edition, status=Exhibitor.Status.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name_fr", "pk")
    )


def craft_of(edition: Edition, pk: int) -> CraftAtRisk:
    return get_object_or_404(CraftAtRisk, edition=edition, pk=pk)


def seat_by_id(user: User, edition: Edition, pk: int) -> Juror | None:
    """The user's own seat on a jury of the edition (nobody else's)."""
    return (
        Juror.objects.filter(pk=pk, user=user, category__edition=edition)
        .select_related("user", "category__edition__series")
        .first()
    )


def is_locked(category: AwardCategory) -> bool:
    return Result.objects.filter(category=category, locked=True).exists()


@dataclass(frozen=True)
class SheetRow:
    exhibitor: Exhibitor
    marked: int  # criteria marked
    recusal: Recusal | None
    booth: hooks.BoothRef | None = None  # on the published floor plan, when there is one


def booths(edition: Edition, exhibitors: list[Exhibitor]) -> dict[int, hooks.BoothRef]:
    """Where the exhibitors stand, by exhibitor id (one query for them all; none known before
    the floor plan is published)."""
    keys = {e.pk: (edition.series.slug, edition.number, e.organisation_id) for e in exhibitors}
    found = hooks.booths_of(list(keys.values()))
    return {pk: found[key] for pk, key in keys.items() if key in found}


def sheet_overview(seat: Juror) -> list[SheetRow]:
    """The exhibitors a juror marks for an award, those recused from included (and said so)."""
    away = recusals(seat)
    counts = dict(
        Score.objects.filter(juror=seat)
        .values("exhibitor_id")
        .annotate(n=Count("id"))
        .values_list("exhibitor_id", "n")
    )
    exhibitors = list(eligible(seat.category))
    where = booths(seat.category.edition, exhibitors)
    return [SheetRow(e, counts.get(e.pk, 0), away.get(e.pk), where.get(e.pk)) for e in exhibitors]


def next_to_mark(seat: Juror, after: Exhibitor) -> Exhibitor | None:
    """The next exhibitor in the list the juror has not marked fully, to walk booth by booth."""
    needed = Criterion.objects.filter(category=seat.category).count()
    rows = sheet_overview(seat)
    keys = [r.exhibitor.pk for r in rows]
    start = keys.index(after.pk) + 1 if after.pk in keys else 0
    for row in rows[start:] + rows[:start]:
        if row.recusal is None and row.marked < needed and row.exhibitor.pk != after.pk:
            return row.exhibitor
    return None


@dataclass(frozen=True)
class Evidence:
    """What a juror noted at a booth: their note and the photo they took, if any."""

    exhibitor: str
    juror: str
    note: str
    photo_score: int | None  # a mark carrying the photo (its id opens the photo)


def evidence(category: AwardCategory) -> list[Evidence]:
    seen: dict[tuple[int, int], Evidence] = {}
    rows = (
        Score.objects.filter(category=category)
        .exclude(note="", photo="")
        .select_related("exhibitor__organisation", "juror__user")
        .order_by("exhibitor__organisation__name_fr", "juror_id", "pk")
    )
    for s in rows:
        key = (s.exhibitor_id, s.juror_id)
        if key not in seen or (seen[key].photo_score is None and s.photo):
            seen[key] = Evidence(
                s.exhibitor.organisation.name,
                str(s.juror.user),
                s.note,
                s.pk if s.photo else None,
            )
    return list(seen.values())


def photo_of(category: AwardCategory, pk: int) -> str:
    """The stored photo of a mark of the category (404 when there is none)."""
    score = get_object_or_404(Score, category=category, pk=pk)
    if not score.photo:
        raise Http404
    return score.photo


def figures(edition: Edition) -> tuple[int, int, int]:
    """The edition's awards: how many, with results locked, with results published."""
    counts = AwardCategory.objects.filter(edition=edition).aggregate(
        n=Count("pk"),
        locked=Count("pk", filter=Q(result__locked=True)),
        published=Count("pk", filter=Q(result__published_at__isnull=False)),
    )
    return counts["n"], counts["locked"], counts["published"]


# --- The ceremony ---------------------------------------------------------------------------


def partners_of(edition: Edition) -> list[Partner]:
    return list(
        Partner.objects.filter(edition=edition)
        .select_related("organisation")
        .order_by("order", "pk")
    )


def ceremony_subjects(edition: Edition) -> tuple[set[int], set[int]]:
    """The partners and the awards the running order already has."""
    rows = CeremonyItem.objects.filter(edition=edition).values_list("partner_id", "category_id")
    return {p for p, _c in rows if p}, {c for _p, c in rows if c}


def moment_of(edition: Edition, pk: int) -> CeremonyItem:
    return get_object_or_404(CeremonyItem.objects.select_related("edition"), edition=edition, pk=pk)


@dataclass(frozen=True)
class Moment:
    item: CeremonyItem
    title: str
    starts_after: int  # minutes from the ceremony's start
    winners: list[str]  # an award's winners, when its result is locked
    announced: bool  # an award whose result is locked

    @property
    def clock(self) -> str:
        """When it starts, from the ceremony's beginning: ``0:05``."""
        return f"{self.starts_after // 60}:{self.starts_after % 60:02d}"


def running_order(edition: Edition) -> list[Moment]:
    """The ceremony, moment by moment, with when each starts (minutes from the beginning); an
    award shows its winners once its result is locked (the presenter reads them)."""
    items = list(
        CeremonyItem.objects.filter(edition=edition).select_related(
            "partner__organisation", "category__result"
        )
    )
    locked = {
        i.category_id: i.category.result
        for i in items
        if i.category is not None
        and getattr(i.category, "result", None) is not None
        and i.category.result.locked
    }
    names: dict[int, list[str]] = defaultdict(list)
    for w in Winner.objects.filter(result__in=list(locked.values())).select_related(
        "result", "exhibitor__organisation"
    ):
        shown = w.exhibitor.organisation.name if w.exhibitor else w.label
        names[w.result.category_id].append(shown)
    moments, elapsed = [], 0
    for item in items:
        if item.kind == CeremonyItem.Kind.SHIELD and item.partner is not None:
            title = item.partner.organisation.name
        elif item.kind == CeremonyItem.Kind.AWARD and item.category is not None:
            title = item.category.name
        else:
            title = item.name
        moments.append(
            Moment(
                item,
                title,
                elapsed,
                names.get(item.category_id or 0, []),
                item.category_id in locked,
            )
        )
        elapsed += item.minutes
    return moments


def juror_of(category: AwardCategory, pk: int) -> Juror:
    return get_object_or_404(
        Juror.objects.select_related("category__edition"), category=category, pk=pk
    )


def criterion_of(category: AwardCategory, pk: int) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("category__edition"), category=category, pk=pk
    )


def may_see_results(user: User, category: AwardCategory) -> bool:
    """A category's results: its organisers and its jurors (nobody else knows them before
    they are published)."""
    return access.is_organiser(user, category.edition.series_id) or (
        seat_of(user, category) is not None
    )
