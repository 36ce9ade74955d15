"""Awards: the organisers' categories (judged or computed), criteria, jurors and crafts at risk;
the jurors' marks and declared conflicts; computing, locking and publishing results.

Every write goes through here with its actor and is audited (``core.audit``, the actor set for
the whole write so that a task or a test is recorded like a request). Once a category's result
is locked nothing of it changes any more: not its settings, criteria, jurors, marks or winners.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maarid.core import access, audit, uploads
from maarid.core import services as core_services
from maarid.core.models import Certificate, User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Sector

from . import certificates, rules, selectors
from .models import (
    MAX_PLACES,
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
    TieBreak,
    Winner,
)

PHOTO_FOLDER = "awards/photos"
NOTE_LENGTH = 500


def _require_organiser(actor: User, edition: Edition) -> None:
    access.require_organiser(actor, edition.series_id)


def _require_open(category: AwardCategory) -> None:
    result = selectors.result_of(category)
    if result is not None and result.locked:
        raise ValidationError(_("The results of this award are locked: nothing can change."))


def _names(name_ar: str, name_fr: str, name_en: str, length: int) -> tuple[str, str, str]:
    names = tuple(n.strip()[:length] for n in (name_ar, name_fr, name_en))
    if not (names[0] or names[1]):
        raise ValidationError({"name_fr": _("Give a name in Arabic or in French.")})
    return names[0], names[1], names[2]


# --- Categories -----------------------------------------------------------------------------


def check_params(edition: Edition, rule: str, params: Any) -> dict[str, Any]:
    """The rule's parameters, checked: a clear message for any that makes no sense."""
    if not isinstance(params, dict):
        raise ValidationError({"params": _("The parameters must be a set of named values.")})
    allowed = {
        Rule.HIGHEST_SALES: {"minimum"},
        Rule.OLDEST_COOPERATIVE: {"kinds"},
        Rule.OLDEST_ARTISAN: {"crafts"},
        Rule.MOST_DEALS: set(),
        Rule.MOST_VISITED_SESSION: set(),
    }[Rule(rule)]
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValidationError(
            {"params": _("This rule takes no parameter named %(names)s.") % {"names": unknown}}
        )
    if "minimum" in params:
        try:
            rules.highest_sales([], params=params, places=1, tie_break=rules.SHARED)
        except rules.RuleError:
            raise ValidationError(
                {"params": _("The minimum must be an amount in MAD, zero or more.")}
            ) from None
    if "kinds" in params:
        kinds = params["kinds"]
        if (
            not isinstance(kinds, list)
            or not kinds
            or not all(isinstance(k, str) and k in Kind.values for k in kinds)
        ):
            raise ValidationError({"params": _("Choose kinds of organisation from the list.")})
    if "crafts" in params:
        known = {c.pk for c in selectors.crafts_of(edition)}
        crafts = params["crafts"]
        if (
            not isinstance(crafts, list)
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in crafts)
            or not set(crafts) <= known
        ):
            raise ValidationError(
                {"params": _("Choose crafts from this edition's list of crafts at risk.")}
            )
    if rule == Rule.OLDEST_ARTISAN and not selectors.crafts_of(edition):
        raise ValidationError(
            {"rule": _("List the crafts at risk of this edition before adding this award.")}
        )
    return params


def _check_eligibility(kinds: list[str], sectors: list[str]) -> None:
    if not all(k in Kind.values for k in kinds):
        raise ValidationError({"eligible_kinds": _("Choose kinds of organisation from the list.")})
    if not all(s in Sector.values for s in sectors):
        raise ValidationError({"eligible_sectors": _("Choose sectors from the list.")})


def _category_fields(
    edition: Edition,
    *,
    kind: str,
    name_ar: str,
    name_fr: str,
    name_en: str,
    places: int,
    eligible_kinds: list[str] | None,
    eligible_sectors: list[str] | None,
    first_time_only: bool,
    rule: str,
    params: Any,
    tie_break: str,
    normalise: bool,
) -> dict[str, Any]:
    """A category's fields, checked, with a clear message for whatever makes no sense."""
    name_ar, name_fr, name_en = _names(name_ar, name_fr, name_en, 150)
    if kind not in AwardCategory.Kind.values:
        raise ValidationError({"kind": _("Choose judged or computed.")})
    if not 1 <= places <= MAX_PLACES:
        raise ValidationError(
            {"places": _("An award has from 1 to %(n)s winners.") % {"n": MAX_PLACES}}
        )
    if tie_break not in TieBreak.values:
        raise ValidationError({"tie_break": _("Choose a tie-break rule from the list.")})
    kinds, sectors = list(eligible_kinds or []), list(eligible_sectors or [])
    _check_eligibility(kinds, sectors)
    params = {} if params is None else params
    if kind == AwardCategory.Kind.COMPUTED:
        if rule not in Rule.values:
            raise ValidationError({"rule": _("Choose the rule that computes this award.")})
        params = check_params(edition, rule, params)
        normalise = False
    else:
        if rule or params != {}:
            raise ValidationError({"rule": _("A judged award has a jury, not a rule.")})
    return {
        "name_ar": name_ar,
        "name_fr": name_fr,
        "name_en": name_en,
        "places": places,
        "eligible_kinds": kinds,
        "eligible_sectors": sectors,
        "first_time_only": first_time_only,
        "rule": rule if kind == AwardCategory.Kind.COMPUTED else "",
        "params": params,
        "tie_break": tie_break,
        "normalise": normalise,
    }


def create_category(
    *,
    actor: User,
    edition: Edition,
    kind: str,
    name_ar: str = "",
    name_fr: str = "",
    name_en: str = "",
    places: int = 1,
    eligible_kinds: list[str] | None = None,
    eligible_sectors: list[str] | None = None,
    first_time_only: bool = False,
    rule: str = "",
    params: dict[str, Any] | None = None,
    tie_break: str = TieBreak.SHARED,
    normalise: bool = False,
) -> AwardCategory:
    """A category of either kind: a judged one has a jury and criteria (added next), a computed
    one a rule and its parameters."""
    _require_organiser(actor, edition)
    fields = _category_fields(
        edition,
        kind=kind,
        name_ar=name_ar,
        name_fr=name_fr,
        name_en=name_en,
        places=places,
        eligible_kinds=eligible_kinds,
        eligible_sectors=eligible_sectors,
        first_time_only=first_time_only,
        rule=rule,
        params=params,
        tie_break=tie_break,
        normalise=normalise,
    )
    with audit.acting_as(actor):
        return AwardCategory.objects.create(
            edition=edition,
            kind=kind,
            position=AwardCategory.objects.filter(edition=edition).count(),
            **fields,
        )


def update_category(
    *,
    actor: User,
    category: AwardCategory,
    name_ar: str = "",
    name_fr: str = "",
    name_en: str = "",
    places: int = 1,
    eligible_kinds: list[str] | None = None,
    eligible_sectors: list[str] | None = None,
    first_time_only: bool = False,
    rule: str = "",
    params: dict[str, Any] | None = None,
    tie_break: str = TieBreak.SHARED,
    normalise: bool | None = None,
) -> AwardCategory:
    """Changes a category (not its kind) until its results are locked; a result computed
    before is computed again from the new settings when asked."""
    _require_organiser(actor, category.edition)
    _require_open(category)
    fields = _category_fields(
        category.edition,
        kind=category.kind,
        name_ar=name_ar,
        name_fr=name_fr,
        name_en=name_en,
        places=places,
        eligible_kinds=eligible_kinds,
        eligible_sectors=eligible_sectors,
        first_time_only=first_time_only,
        rule=rule,
        params=params,
        tie_break=tie_break,
        normalise=category.normalise if normalise is None else normalise,
    )
    for name, value in fields.items():
        setattr(category, name, value)
    with audit.acting_as(actor):
        category.save(update_fields=list(fields))
    return category


def set_ranking(
    *, actor: User, category: AwardCategory, tie_break: str, normalise: bool
) -> AwardCategory:
    """How the organisers want the category ranked: the tie-break, and (judged) whether each
    juror's totals are normalised. The results page states both."""
    _require_organiser(actor, category.edition)
    _require_open(category)
    if tie_break not in TieBreak.values:
        raise ValidationError({"tie_break": _("Choose a tie-break rule from the list.")})
    category.tie_break = tie_break
    category.normalise = normalise and category.kind == AwardCategory.Kind.JUDGED
    with audit.acting_as(actor):
        category.save(update_fields=["tie_break", "normalise"])
    return category


def _require_judged(category: AwardCategory) -> None:
    if category.kind != AwardCategory.Kind.JUDGED:
        raise ValidationError(_("A computed award has no jury."))


def add_criterion(
    *,
    actor: User,
    category: AwardCategory,
    name_ar: str = "",
    name_fr: str = "",
    name_en: str = "",
    weight: int = 1,
    low: int = 0,
    high: int = 10,
) -> Criterion:
    _require_organiser(actor, category.edition)
    _require_judged(category)
    _require_open(category)
    name_ar, name_fr, name_en = _names(name_ar, name_fr, name_en, 120)
    if not 1 <= weight <= 100:
        raise ValidationError({"weight": _("A weight is from 1 to 100.")})
    if not 0 <= low < high <= 100:
        raise ValidationError(
            {"high": _("The scale goes from a lowest mark to a higher one, 0 to 100 at most.")}
        )
    if Score.objects.filter(category=category).exists():
        raise ValidationError(_("The jury has started scoring: criteria can no longer be added."))
    with audit.acting_as(actor):
        return Criterion.objects.create(
            category=category,
            name_ar=name_ar,
            name_fr=name_fr,
            name_en=name_en,
            weight=weight,
            low=low,
            high=high,
            position=Criterion.objects.filter(category=category).count(),
        )


@transaction.atomic
def add_juror(*, actor: User, category: AwardCategory, user: User, chair: bool = False) -> Juror:
    """A seat on the category's jury; a new chair takes the place of the previous one."""
    _require_organiser(actor, category.edition)
    _require_judged(category)
    _require_open(category)
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    if Juror.objects.filter(category=category, user=user).exists():
        raise ValidationError({"user": _("This person is already on the jury.")})
    with audit.acting_as(actor):
        if chair:
            for previous in Juror.objects.filter(category=category, chair=True):
                previous.chair = False
                previous.save(update_fields=["chair"])
        return Juror.objects.create(category=category, user=user, chair=chair)


def declare_conflict(
    *, actor: User, juror: Juror, exhibitor: Exhibitor, reason: str = ""
) -> Conflict:
    """A juror declares a conflict of interest with an exhibitor: their marks for it, if any,
    no longer count, and they cannot score it."""
    if juror.user_id != actor.pk:
        raise PermissionDenied
    _require_open(juror.category)
    if exhibitor.edition_id != juror.category.edition_id:
        raise ValidationError(_("This exhibitor is not at this edition."))
    conflict = Conflict.objects.filter(juror=juror, exhibitor=exhibitor).first()
    if conflict is not None:
        return conflict
    with audit.acting_as(actor):
        return Conflict.objects.create(
            juror=juror, exhibitor=exhibitor, reason=reason.strip()[:200]
        )


def score(
    *,
    actor: User,
    juror: Juror,
    exhibitor: Exhibitor,
    marks: dict[int, int],
    note: str = "",
    photo: File[bytes] | None = None,
) -> list[Score]:
    """A juror's marks for an exhibitor (some criteria or all; marking again changes them).

    Refused, with nothing saved: another person's seat, an exhibitor the juror is recused from
    or that may not win the category, a criterion of another category, a mark off the scale, a
    photo that is not one, and anything once the results are locked."""
    if juror.user_id != actor.pk:
        raise PermissionDenied
    category = juror.category
    _require_open(category)
    recused = selectors.recusals(juror).get(exhibitor.pk)
    if recused is not None:
        raise ValidationError(
            _("You are a member of this organisation: you cannot score it.")
            if recused.automatic
            else _("You declared a conflict of interest with this exhibitor.")
        )
    if not selectors.eligible(category).filter(pk=exhibitor.pk).exists():
        raise ValidationError(_("This exhibitor cannot win this award."))
    criteria = {c.pk: c for c in selectors.criteria_of(category)}
    if not marks:
        raise ValidationError(_("Give at least one mark."))
    for criterion_id, value in marks.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("This criterion is not one of this award's."))
        if not isinstance(value, int) or not criterion.low <= value <= criterion.high:
            raise ValidationError(
                _("A mark for “%(name)s” is from %(low)s to %(high)s.")
                % {"name": criterion.name, "low": criterion.low, "high": criterion.high}
            )
    stored = ""
    if photo is not None:
        kind = uploads.check_document(photo, kinds=uploads.PHOTO_KINDS)
        stored = uploads.store(photo, PHOTO_FOLDER, kind)
    note = note.strip()[:NOTE_LENGTH]
    saved = []
    with transaction.atomic(), audit.acting_as(actor):
        # One sheet of a juror at a time (a double tap sends it twice), and never after the
        # chair's lock: ``lock`` holds the result's row while it locks.
        Juror.objects.select_for_update().filter(pk=juror.pk).first()
        result = Result.objects.select_for_update().filter(category=category).first()
        if result is not None and result.locked:
            raise ValidationError(_("The results of this award are locked: nothing can change."))
        existing = {
            s.criterion_id: s
            for s in Score.objects.select_for_update().filter(juror=juror, exhibitor=exhibitor)
        }
        for criterion_id, value in sorted(marks.items()):
            row = existing.get(criterion_id)
            if row is None:
                row = Score(
                    juror=juror, category=category, exhibitor=exhibitor, criterion_id=criterion_id
                )
            elif row.value == value and row.note == note and not stored:
                saved.append(row)
                continue
            row.value = value
            row.note = note
            if stored:
                row.photo = stored
            row.scored_at = timezone.now()
            row.save()
            saved.append(row)
    return saved


# --- Crafts at risk -------------------------------------------------------------------------


def add_craft(
    *, actor: User, edition: Edition, name_ar: str = "", name_fr: str = ""
) -> CraftAtRisk:
    _require_organiser(actor, edition)
    name_ar, name_fr, _en = _names(name_ar, name_fr, "", 120)
    with audit.acting_as(actor):
        return CraftAtRisk.objects.create(edition=edition, name_ar=name_ar, name_fr=name_fr)


def set_practice(
    *, actor: User, craft: CraftAtRisk, exhibitor: Exhibitor, since: int
) -> ArtisanPractice:
    """An exhibitor practises a craft at risk since ``since`` (a year)."""
    _require_organiser(actor, craft.edition)
    if exhibitor.edition_id != craft.edition_id:
        raise ValidationError({"exhibitor": _("This exhibitor is not at this edition.")})
    if not 1900 <= since <= craft.edition.starts_on.year:
        raise ValidationError(
            {"since": _("Give the year they began, from 1900 to the fair's year.")}
        )
    with audit.acting_as(actor):
        practice, _created = ArtisanPractice.objects.update_or_create(
            craft=craft, exhibitor=exhibitor, defaults={"since": since}
        )
    return practice


# --- Results --------------------------------------------------------------------------------


def outcome(category: AwardCategory) -> rules.Outcome:
    """The category's ranking from the data as it stands (nothing saved)."""
    common: dict[str, Any] = {
        "params": category.params,
        "places": category.places,
        "tie_break": category.tie_break,
    }
    try:
        if category.kind == AwardCategory.Kind.JUDGED:
            return rules.judged(
                selectors.marks(category),
                criteria=selectors.specs(category),
                labels=selectors.labels(selectors.eligible(category)),
                places=category.places,
                tie_break=category.tie_break,
                normalise=category.normalise,
                recused=selectors.all_recusals(category),
            )
        if category.rule == Rule.HIGHEST_SALES:
            return rules.highest_sales(selectors.ledger_sums(category), **common)
        if category.rule == Rule.OLDEST_COOPERATIVE:
            return rules.oldest_organisation(selectors.founding(category), **common)
        if category.rule == Rule.OLDEST_ARTISAN:
            rows, crafts = selectors.practising(category)
            return rules.oldest_artisan(
                rows, **common, year=category.edition.starts_on.year, known_crafts=crafts
            )
        if category.rule == Rule.MOST_DEALS:
            return rules.most_deals(selectors.deals(category), **common)
        if category.rule == Rule.MOST_VISITED_SESSION:
            return rules.most_visited_session(selectors.attendance(category.edition), **common)
    except rules.RuleError as error:
        if error.code == "criteria":
            raise ValidationError(_("Add the jury's criteria first.")) from None
        raise ValidationError(
            _("The parameters of this award's rule make no sense any more: %(code)s.")
            % {"code": error.code}
        ) from None
    raise ValidationError(_("Choose the rule that computes this award."))


def _may_compute(actor: User, category: AwardCategory) -> bool:
    if access.is_organiser(actor, category.edition.series_id):
        return True
    seat = selectors.seat_of(actor, category)
    return seat is not None and seat.chair


@transaction.atomic
def compute(*, actor: User, category: AwardCategory) -> Result:
    """Computes the category's result again (the organisers or the jury's chair) and keeps it
    with its trail; refused once it is locked."""
    if not _may_compute(actor, category):
        raise PermissionDenied
    result = Result.objects.select_for_update().filter(category=category).first()
    if result is not None and result.locked:
        raise ValidationError(_("The results of this award are locked: nothing can change."))
    found = outcome(category)
    with audit.acting_as(actor):
        if result is None:
            result = Result(category=category)
        else:
            Winner.objects.filter(result=result).delete()
        result.computed_at = timezone.now()
        result.computed_by = actor
        result.normalised = category.normalise
        result.tie_break = category.tie_break
        result.trail = found.trail
        result.save()
        session_rule = category.rule == Rule.MOST_VISITED_SESSION
        for placed in found.winners:
            c = placed.candidate
            Winner.objects.create(
                result=result,
                rank=placed.rank,
                exhibitor_id=None if session_rule else c.key,
                session_id=c.key if session_rule else None,
                label=c.label[:250],
                measure=c.display[:60],
            )
    return result


@transaction.atomic
def lock(*, actor: User, category: AwardCategory) -> Result:
    """The jury's chair locks a judged award's results (an organiser a computed one's): from
    then on nothing of the category changes."""
    if category.kind == AwardCategory.Kind.JUDGED:
        seat = selectors.seat_of(actor, category)
        if seat is None or not seat.chair:
            raise PermissionDenied
    else:
        _require_organiser(actor, category.edition)
    result = Result.objects.select_for_update().filter(category=category).first()
    if result is None:
        raise ValidationError(_("Compute the results before locking them."))
    if result.locked:
        raise ValidationError(_("The results of this award are locked: nothing can change."))
    with audit.acting_as(actor):
        result.locked = True
        result.locked_at = timezone.now()
        result.locked_by = actor
        result.save(update_fields=["locked", "locked_at", "locked_by"])
    return result


def publish(*, actor: User, category: AwardCategory, at: datetime.datetime | None = None) -> Result:
    """Shows a locked result on the edition's public winners page."""
    _require_organiser(actor, category.edition)
    result = selectors.result_of(category)
    if result is None or not result.locked:
        raise ValidationError(_("Only locked results can be published."))
    if result.published_at is None:
        with audit.acting_as(actor):
            result.published_at = at or timezone.now()
            result.save(update_fields=["published_at"])
    return result


# --- Certificates ---------------------------------------------------------------------------


@transaction.atomic
def issue_certificates(*, actor: User, edition: Edition) -> list[Certificate]:
    """Certificates for the winners of the edition's locked results (the organisers): those
    not issued yet; each with its verification code and QR code."""
    _require_organiser(actor, edition)
    specs = certificates.owed(edition)
    if not specs:
        raise ValidationError(_("No award's results are locked yet: there is nobody to certify."))
    return core_services.issue_certificates(
        actor=actor, issuer=certificates.issuer_of(edition), specs=specs
    )


# --- The ceremony's running order -----------------------------------------------------------


def _next_position(edition: Edition) -> int:
    last = (
        CeremonyItem.objects.filter(edition=edition)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def add_moment(
    *,
    actor: User,
    edition: Edition,
    kind: str = CeremonyItem.Kind.SPEECH,
    name_ar: str = "",
    name_fr: str = "",
    person: str = "",
    minutes: int = 5,
) -> CeremonyItem:
    """A speech (or another moment) at the end of the running order."""
    _require_organiser(actor, edition)
    if kind not in (CeremonyItem.Kind.SPEECH, CeremonyItem.Kind.OTHER):
        raise ValidationError({"kind": _("Choose a speech or another moment.")})
    person = person.strip()[:200]
    if not (name_ar.strip() or name_fr.strip() or person):
        raise ValidationError({"name_fr": _("Say what happens or who speaks.")})
    if not 1 <= minutes <= 120:
        raise ValidationError({"minutes": _("A moment lasts from 1 to 120 minutes.")})
    with audit.acting_as(actor):
        return CeremonyItem.objects.create(
            edition=edition,
            kind=kind,
            name_ar=name_ar.strip()[:200],
            name_fr=name_fr.strip()[:200],
            person=person,
            minutes=minutes,
            position=_next_position(edition),
        )


@transaction.atomic
def add_shields_and_awards(*, actor: User, edition: Edition) -> list[CeremonyItem]:
    """A shield for each partner of the edition, then each award, that the running order does
    not have yet (in the partners' and the awards' own order)."""
    _require_organiser(actor, edition)
    have_partners, have_awards = selectors.ceremony_subjects(edition)
    made = []
    position = _next_position(edition)
    with audit.acting_as(actor):
        for partner in selectors.partners_of(edition):
            if partner.pk not in have_partners:
                made.append(
                    CeremonyItem.objects.create(
                        edition=edition,
                        kind=CeremonyItem.Kind.SHIELD,
                        partner=partner,
                        minutes=2,
                        position=position,
                    )
                )
                position += 1
        for category in selectors.categories_of(edition):
            if category.pk not in have_awards:
                made.append(
                    CeremonyItem.objects.create(
                        edition=edition,
                        kind=CeremonyItem.Kind.AWARD,
                        category=category,
                        minutes=3,
                        position=position,
                    )
                )
                position += 1
    return made


@transaction.atomic
def move_moment(*, actor: User, item: CeremonyItem, earlier: bool) -> None:
    """Swaps a moment with the one before it (``earlier``) or after it."""
    _require_organiser(actor, item.edition)
    order = list(CeremonyItem.objects.select_for_update().filter(edition=item.edition))
    index = next(i for i, other in enumerate(order) if other.pk == item.pk)
    other_index = index - 1 if earlier else index + 1
    if not 0 <= other_index < len(order):
        return
    order[index], order[other_index] = order[other_index], order[index]
    with audit.acting_as(actor):
        for position, moment in enumerate(order):
            if moment.position != position:
                moment.position = position
                moment.save(update_fields=["position"])


def remove_juror(*, actor: User, juror: Juror) -> None:
    """Takes a juror off the jury before they have marked anyone (marks are never deleted)."""
    _require_organiser(actor, juror.category.edition)
    _require_open(juror.category)
    if Score.objects.filter(juror=juror).exists():
        raise ValidationError(_("This juror has marked exhibitors: they stay on the jury."))
    with audit.acting_as(actor):
        Conflict.objects.filter(juror=juror).delete()
        juror.delete()


def remove_criterion(*, actor: User, criterion: Criterion) -> None:
    """Takes a criterion away before the jury starts marking."""
    _require_organiser(actor, criterion.category.edition)
    _require_open(criterion.category)
    if Score.objects.filter(category=criterion.category).exists():
        raise ValidationError(_("The jury has started scoring: criteria can no longer be changed."))
    with audit.acting_as(actor):
        criterion.delete()


def remove_moment(*, actor: User, item: CeremonyItem) -> None:
    _require_organiser(actor, item.edition)
    with audit.acting_as(actor):
        item.delete()
