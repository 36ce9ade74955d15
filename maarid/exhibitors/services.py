"""Every write and every rule of the call for exhibitors: applications, reviews, selection,
decisions, withdrawals and the exhibitor record."""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms.models import ModelChoiceField
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from maarid.core import access, audit, hooks
from maarid.core.models import User
from maarid.core.services import absolute_url, tell
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Membership, Organisation

from . import scoring, select, selectors
from .models import (
    Application,
    ApplicationDocument,
    ApplicationProduct,
    Call,
    Criterion,
    Exhibitor,
    RequiredDocument,
    Review,
    Score,
    SectorQuota,
    SelectionRun,
)

# The rubric and the documents a new call starts with; organisers edit them.
DEFAULT_CRITERIA = [
    ("جودة المنتوج", "Qualité du produit", 3),
    ("الابتكار", "Innovation", 2),
    ("القيمة المحلية", "Valeur locale (terroir, savoir-faire)", 2),
    ("احترام البيئة", "Respect de l'environnement", 1),
    ("إدماج النساء والشباب", "Inclusion des femmes et des jeunes", 2),
    ("الجاهزية للبيع", "Capacité à vendre", 1),
]
DEFAULT_DOCUMENTS = [
    ("القانون الأساسي", "Statuts"),
    ("شهادة التسجيل", "Attestation d'immatriculation"),
]


# --- The call -----------------------------------------------------------------------------


# The call's own settings, as the page's form and the API's schema hand them over.
CALL_SETTINGS = (
    "opens_on",
    "closes_on",
    "places",
    "waitlist_size",
    "eligible_kinds",
    "eligible_sectors",
    "women_min_share",
    "province_max",
    "first_timer_places",
    "reviewers_per_application",
    "aggregation",
    "disagreement",
)


@dataclass(frozen=True)
class CriterionRow:
    """A line of the rubric: ``id`` names one of the call's criteria, None adds one."""

    name_ar: str
    name_fr: str
    weight: int
    id: int | None = None


@dataclass(frozen=True)
class DocumentRow:
    """A required document: ``id`` names one of the call's, None adds one."""

    name_ar: str
    name_fr: str
    id: int | None = None


@dataclass(frozen=True)
class QuotaRow:
    sector: str
    minimum: int | None = None
    maximum: int | None = None


RUBRIC_FROZEN = gettext_lazy(
    "Reviewers have already marked applications: criteria can no longer be added, removed or "
    "weighted differently (names may still be corrected)."
)


@transaction.atomic
def open_call(*, actor: User, edition: Edition, **fields: Any) -> Call:
    """Creates the call of an edition with the usual rubric and documents."""
    access.require_organiser(actor, edition.series_id)
    call = Call(edition=edition, **fields)
    call.full_clean()
    call.save()
    for order, (ar, fr, weight) in enumerate(DEFAULT_CRITERIA):
        Criterion.objects.create(call=call, name_ar=ar, name_fr=fr, weight=weight, order=order)
    for order, (ar, fr) in enumerate(DEFAULT_DOCUMENTS):
        RequiredDocument.objects.create(call=call, name_ar=ar, name_fr=fr, order=order)
    return call


@transaction.atomic
def save_call(
    *,
    actor: User,
    edition: Edition,
    settings: Mapping[str, Any],
    criteria: Sequence[CriterionRow] | None = None,
    documents: Sequence[DocumentRow] | None = None,
    quotas: Sequence[QuotaRow] | None = None,
) -> Call:
    """Opens the edition's call (with the usual rubric and documents) or changes its
    settings; and, for each list given, makes the call's criteria, required documents or
    sector quotas that list (rows with an id change that row, rows without are added, rows
    left out are removed). All of it or nothing."""
    access.require_organiser(actor, edition.series_id)
    unknown = set(settings) - set(CALL_SETTINGS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    call = Call.objects.select_for_update().filter(edition=edition).first()
    if call is None:
        call = open_call(actor=actor, edition=edition, **settings)
    else:
        for name, value in settings.items():
            setattr(call, name, value)
        call.full_clean()
        call.save()
    if criteria is not None:
        _replace_criteria(call, criteria)
    if documents is not None:
        _replace_rows(call, RequiredDocument, documents)
    if quotas is not None:
        _replace_sector_quotas(call, quotas)
    return call


def _replace_criteria(call: Call, rows: Sequence[CriterionRow]) -> None:
    """Once reviewers have marked applications, the rubric keeps its criteria and weights
    (their marks and totals were given against it); names may still be corrected."""
    if selectors.marked(call):
        weights = dict(call.criteria.values_list("pk", "weight"))
        if {r.id for r in rows} != set(weights) or any(
            r.id is not None and weights[r.id] != r.weight for r in rows
        ):
            raise ValidationError({"criteria": RUBRIC_FROZEN})
    _replace_rows(call, Criterion, rows)


def _replace_rows(
    call: Call,
    model: type[Criterion] | type[RequiredDocument],
    rows: Sequence[CriterionRow] | Sequence[DocumentRow],
) -> None:
    """Makes the call's criteria or required documents the given rows; new ones go after the
    existing ones. Each row is saved (or deleted) on its own, so that the audit trail records
    it, and only when it changes."""
    existing = {row.pk: row for row in model.objects.filter(call=call)}
    if any(r.id is not None and r.id not in existing for r in rows):
        raise ValidationError(ModelChoiceField.default_error_messages["invalid_choice"])
    kept = {r.id for r in rows if r.id is not None}
    for pk, stale in existing.items():
        if pk not in kept:
            stale.delete()
    order = max((row.order for row in existing.values()), default=-1)
    for r in rows:
        values = {k: v for k, v in asdict(r).items() if k != "id"}
        if r.id is None:
            order += 1
            row = model(call=call, order=order, **values)
        else:
            row = existing[r.id]
            if all(getattr(row, k) == v for k, v in values.items()):
                continue
            for k, v in values.items():
                setattr(row, k, v)
        row.full_clean()
        row.save()


def _replace_sector_quotas(call: Call, quotas: Sequence[QuotaRow]) -> None:
    """Makes the call's sector quotas the given rows, one per sector."""
    if len({q.sector for q in quotas}) != len(quotas):
        raise ValidationError({"sector_quotas": _("Give each sector once.")})
    kept = []
    for q in quotas:
        quota = call.sector_quotas.filter(sector=q.sector).first() or SectorQuota(
            call=call, sector=q.sector
        )
        quota.minimum, quota.maximum = q.minimum, q.maximum
        quota.full_clean()
        quota.save()
        kept.append(quota.pk)
    for stale in call.sector_quotas.exclude(pk__in=kept):
        stale.delete()  # one by one, so the audit trail records each


# --- Applications -------------------------------------------------------------------------


def _require_member(user: User, organisation: Organisation) -> None:
    if organisation.pk not in access.facts(user).organisations:
        raise PermissionDenied


def start_application(*, actor: User, call: Call, organisation: Organisation) -> Application:
    """A member of an organisation starts (or finds again) its draft application."""
    _require_member(actor, organisation)
    if not call.is_open():
        raise ValidationError(_("The call for exhibitors is not open."))
    if not selectors.may_apply(call, organisation):
        raise ValidationError(_("This call is not open to organisations of this kind or sector."))
    application, _created = Application.objects.get_or_create(
        call=call, organisation=organisation, defaults={"created_by": actor}
    )
    return application


def is_applicant(*, user: User, application: Application) -> bool:
    """The applicant's members: the only ones who fill in and submit its application."""
    return application.organisation_id in access.facts(user).organisations


def _require_draft(user: User, application: Application) -> None:
    access.require_view(user, application)
    if not is_applicant(user=user, application=application):
        raise PermissionDenied
    if not application.editable:
        raise ValidationError(
            _("This application has been submitted and can no longer be changed.")
        )


def check_editable(*, actor: User, application: Application) -> None:
    """Raises PermissionDenied for anyone but the applicant's members, and ValidationError
    once the application is no longer a draft: views ask before showing a form."""
    _require_draft(actor, application)


def update_application(*, actor: User, application: Application, **fields: Any) -> Application:
    _require_draft(actor, application)
    allowed = {"motivation", "booth_size", "electricity", "water", "refrigeration"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(application, name, value)
    application.full_clean()
    application.save()
    return application


def add_product(
    *,
    actor: User,
    application: Application,
    name_ar: str = "",
    name_fr: str = "",
    description: str = "",
    price: Decimal | str | None = None,
    photo: "UploadedFile[bytes] | None" = None,
) -> ApplicationProduct:
    """Adds a product to bring; ``photo`` is an uploaded image, checked and cleaned."""
    from maarid.core import uploads

    _require_draft(actor, application)
    product = ApplicationProduct(
        application=application,
        name_ar=name_ar,
        name_fr=name_fr,
        description=description,
        price=price,
        order=application.products.count(),
    )
    product.full_clean()
    if photo is not None:
        kind = uploads.check_document(photo, kinds=("jpeg", "png"))
        product.photo = uploads.store(photo, "applications/photos", kind)
    product.save()
    return product


def remove_product(*, actor: User, product: ApplicationProduct) -> None:
    _require_draft(actor, product.application)
    product.delete()


def add_document(
    *,
    actor: User,
    application: Application,
    uploaded: "UploadedFile[bytes]",
    requirement: RequiredDocument | None = None,
) -> ApplicationDocument:
    """Adds a document (PDF, JPEG or PNG, recognised by content, 5 MB at most)."""
    from maarid.core import uploads

    _require_draft(actor, application)
    if requirement is not None and requirement.call_id != application.call_id:
        raise PermissionDenied
    kind = uploads.check_document(uploaded)
    name = uploads.store(uploaded, f"applications/{application.pk}", kind)
    return ApplicationDocument.objects.create(
        application=application,
        requirement=requirement,
        file=name,
        kind=kind,
        original_name=(uploaded.name or "")[:200],
        size=uploaded.size or 0,
        uploaded_by=actor,
    )


def remove_document(*, actor: User, document: ApplicationDocument) -> None:
    _require_draft(actor, document.application)
    document.delete()


def missing_for_submission(*, application: Application) -> list[str]:
    """What still stops the application from being submitted, in the reader's language."""
    missing = []
    if not application.products.exists():
        missing.append(_("List at least one product you will bring."))
    given = set(application.documents.values_list("requirement_id", flat=True))
    for requirement in application.call.required_documents.all():
        if requirement.pk not in given:
            missing.append(_("Add the document: %(name)s") % {"name": requirement.name})
    return missing


def submit(*, actor: User, application: Application) -> Application:
    _require_draft(actor, application)
    if not application.call.is_open():
        raise ValidationError(_("The call for exhibitors is closed."))
    missing = missing_for_submission(application=application)
    if missing:
        raise ValidationError(missing)
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.first_time = (
        not Exhibitor.objects.filter(
            organisation=application.organisation,
            edition__series_id=application.call.edition.series_id,
        )
        .exclude(edition=application.call.edition)
        .exists()
    )
    application.save(update_fields=["status", "submitted_at", "first_time"])
    return application


@transaction.atomic
def withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """The applicant withdraws (the reason they may give goes to the audit trail). An accepted
    exhibitor's place goes to the waiting list."""
    access.require_change(actor, application)
    # Decide on the stored state, locked: a stale copy must not skip the promotion.
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if application.status == Application.Status.WITHDRAWN:
        return application
    was_accepted = application.decision == Application.Decision.ACCEPTED
    application.status = Application.Status.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at"])
    if reason.strip():
        changes = {"withdrawal_reason": [None, reason.strip()]}
        audit.record("update", application, changes, user=actor)
    Exhibitor.objects.filter(application=application).update(
        status=Exhibitor.Status.WITHDRAWN, withdrawn_at=application.withdrawn_at
    )
    if was_accepted and application.call.decisions_published_at:
        _promote_from_waitlist(application.call)
    return application


# --- Reviews ------------------------------------------------------------------------------


def _conflicted(reviewer: User, application: Application) -> bool:
    """A reviewer linked to the applicant (a member of it, confirmed or not) never reviews it."""
    return (
        Membership.objects.filter(user=reviewer, organisation=application.organisation)
        .exclude(status=Membership.Status.DECLINED)
        .exists()
    )


def assign(*, actor: User, application: Application, reviewer: User) -> Review:
    access.require_organiser(actor, application.call.edition.series_id)
    if not selectors.reviewers_of(application.call).filter(pk=reviewer.pk).exists():
        raise ValidationError(_("This person is not a reviewer of this fair."))
    if _conflicted(reviewer, application):
        raise ValidationError(_("This reviewer belongs to the applicant and cannot review it."))
    review, _created = Review.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    return review


@transaction.atomic
def auto_assign(*, actor: User, call: Call) -> int:
    """Gives every submitted application its reviewers, each time to the least loaded
    reviewer without a conflict (ties to the longest-serving). Returns how many were made."""
    access.require_organiser(actor, call.edition.series_id)
    loads = selectors.reviewer_loads(call)
    reviewers = [load.reviewer for load in loads]
    load = {r.reviewer.pk: r.assigned for r in loads}
    links = set(
        Membership.objects.exclude(status=Membership.Status.DECLINED)
        .filter(user__in=reviewers)
        .values_list("user_id", "organisation_id")
    )
    made = 0
    applications = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .prefetch_related("reviews")
        .order_by("submitted_at", "id")
    )
    for application in applications:
        have = {r.reviewer_id for r in application.reviews.all()}
        while len(have) < call.reviewers_per_application:
            free = [
                r
                for r in reviewers
                if r.pk not in have and (r.pk, application.organisation_id) not in links
            ]
            if not free:
                break
            chosen = min(free, key=lambda r: (load[r.pk], r.pk))
            Review.objects.create(application=application, reviewer=chosen, assigned_by=actor)
            have.add(chosen.pk)
            load[chosen.pk] += 1
            made += 1
    return made


def score(*, actor: User, review: Review, marks: dict[int, int], comment: str = "") -> Review:
    """A reviewer marks every criterion 0–10 and may comment; they can revise until the
    decisions are published."""
    if review.reviewer_id != actor.pk:
        raise PermissionDenied
    call = review.application.call
    if call.decisions_published_at:
        raise ValidationError(_("The decisions have been published: reviews are closed."))
    criteria = {c.pk: c.weight for c in call.criteria.all()}
    if set(marks) != set(criteria):
        raise ValidationError(_("Mark every criterion."))
    if any(not isinstance(v, int) or not 0 <= v <= 10 for v in marks.values()):
        raise ValidationError(_("Marks go from 0 to 10."))
    with transaction.atomic():
        Score.objects.filter(review=review).delete()
        Score.objects.bulk_create(
            [Score(review=review, criterion_id=c, value=v) for c, v in marks.items()]
        )
        review.comment = comment
        review.total = scoring.weighted_total(marks, criteria)
        review.submitted_at = timezone.now()
        review.save(update_fields=["comment", "total", "submitted_at"])
    return review


# --- Selection ----------------------------------------------------------------------------


def _candidates(call: Call) -> tuple[list[select.Candidate], dict[int, str]]:
    """The submitted applications as the optimiser sees them, and those left out (why)."""
    computed = selectors.scores(call)
    left_out, result = {}, []
    applications = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "id")
    )
    for order, application in enumerate(applications):
        organisation = application.organisation
        if not call.is_eligible(organisation):
            left_out[application.pk] = "not_eligible"
            continue
        if application.pk not in computed and application.pinned is not True:
            left_out[application.pk] = "not_reviewed"
            continue
        result.append(
            select.Candidate(
                id=application.pk,
                score=computed.get(application.pk, Decimal("0")),
                order=order,
                province=organisation.province_id,
                sector=organisation.sector,
                womens_coop=organisation.kind == Kind.COOPERATIVE and organisation.women_led,
                first_time=application.first_time,
                pin=application.pinned,
            )
        )
    return result, left_out


def _quotas(call: Call) -> select.Quotas:
    return select.Quotas(
        places=call.places,
        women_min_share=call.women_min_share,
        province_max=call.province_max,
        sector_min={q.sector: q.minimum for q in call.sector_quotas.all() if q.minimum},
        sector_max={q.sector: q.maximum for q in call.sector_quotas.all() if q.maximum is not None},
        first_timer_places=call.first_timer_places,
    )


def run_selection(*, actor: User, call: Call) -> SelectionRun:
    """Computes the selection that maximises the total score under the quotas, and records
    each applicant's decision with its score, rank and reason."""
    access.require_organiser(actor, call.edition.series_id)
    pool, left_out = _candidates(call)
    outcome = select.select(pool, _quotas(call))
    by_id = {c.id: c for c in pool}
    with transaction.atomic():
        decisions = {}
        for rank, application_id in enumerate(outcome.accepted, start=1):
            decisions[application_id] = (Application.Decision.ACCEPTED, rank)
        for rank, application_id in enumerate(outcome.waitlist, start=len(outcome.accepted) + 1):
            on_list = rank - len(outcome.accepted) <= call.waitlist_size
            decisions[application_id] = (
                Application.Decision.WAITLISTED if on_list else Application.Decision.REJECTED,
                rank,
            )
        now = timezone.now()
        for application in call.applications.filter(status=Application.Status.SUBMITTED):
            if application.pk in decisions:
                application.decision, application.rank = decisions[application.pk]
                application.score = by_id[application.pk].score
                application.reason = _reason(outcome.reasons.get(application.pk))
            else:
                application.decision, application.rank, application.score = (
                    Application.Decision.REJECTED,
                    None,
                    by_id[application.pk].score if application.pk in by_id else None,
                )
                # Pinned out by an organiser: the optimiser says so; otherwise left out before.
                application.reason = (
                    _reason(outcome.reasons[application.pk])
                    if application.pk in outcome.reasons
                    else {"code": left_out.get(application.pk, "not_eligible")}
                )
            application.decided_at = now
            application.save(update_fields=["decision", "rank", "score", "reason", "decided_at"])
        return SelectionRun.objects.create(
            call=call,
            run_by=actor,
            aggregation=call.aggregation,
            candidates=len(pool),
            accepted=len(outcome.accepted),
            total_score=outcome.total_score,
            optimal=outcome.optimal,
            seconds=Decimal(str(round(outcome.seconds, 3))),
            shortfalls=[_plain(s) for s in outcome.shortfalls],
        )


def _plain(value: select.Shortfall | select.Reason) -> dict[str, Any]:
    """A dataclass from the optimiser as JSON-safe data."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(value).items()}


def _reason(reason: select.Reason | None) -> dict[str, Any]:
    return _plain(reason) if reason is not None else {}


def override(
    *, actor: User, application: Application, accept: bool | None, reason: str
) -> Application:
    """The organiser forces an applicant in (True) or out (False), or lifts the override
    (None). A reason is required; the next selection run respects it."""
    access.require_organiser(actor, application.call.edition.series_id)
    if accept is not None and not reason.strip():
        raise ValidationError({"override_reason": _("Say why you override the selection.")})
    application.pinned = accept
    application.override_reason = reason.strip() if accept is not None else ""
    application.overridden_by = actor if accept is not None else None
    application.save(update_fields=["pinned", "override_reason", "overridden_by"])
    return application


@transaction.atomic
def publish_decisions(*, actor: User, call: Call) -> int:
    """Creates the exhibitors of the accepted applications (and, through the catalogue, the
    products they listed) and tells every applicant whose decision they have not heard yet.
    Returns the number of messages sent."""
    access.require_organiser(actor, call.edition.series_id)
    for application in call.applications.filter(
        decision=Application.Decision.ACCEPTED, status=Application.Status.SUBMITTED
    ):
        make_exhibitor(application=application)  # and its products: see make_exhibitor
    selectors.active_exhibitors(call.edition).filter(application__isnull=False).exclude(
        application__decision=Application.Decision.ACCEPTED
    ).update(status=Exhibitor.Status.WITHDRAWN, withdrawn_at=timezone.now())
    call.decisions_published_at = timezone.now()
    call.save(update_fields=["decisions_published_at"])
    return notify(call=call)


def make_exhibitor(*, application: Application) -> Exhibitor:
    """The accepted application's organisation exhibits at the edition; the apps built on
    exhibitors hear of it (``core.hooks.exhibitor_admitted``: the catalogue turns the products
    the application listed into the organisation's)."""
    exhibitor, _created = Exhibitor.objects.update_or_create(
        edition=application.call.edition,
        organisation=application.organisation,
        defaults={
            "application": application,
            "status": Exhibitor.Status.ACTIVE,
            "booth_size": application.booth_size,
            "electricity": application.electricity,
            "water": application.water,
            "refrigeration": application.refrigeration,
            "withdrawn_at": None,
        },
    )
    hooks.exhibitor_admitted.collect(application)
    return exhibitor


MESSAGES = {
    Application.Decision.ACCEPTED: gettext_noop(
        "Good news: %(org)s is accepted to exhibit at %(edition)s. See %(link)s"
    ),
    Application.Decision.WAITLISTED: gettext_noop(
        "%(org)s is on the waiting list of %(edition)s (position %(position)s). We will tell "
        "you if a place frees up. See %(link)s"
    ),
    Application.Decision.REJECTED: gettext_noop(
        "%(org)s has not been selected to exhibit at %(edition)s. Thank you for applying. "
        "See %(link)s"
    ),
    "promoted": gettext_noop(
        "A place has freed up: %(org)s is now accepted to exhibit at %(edition)s. See %(link)s"
    ),
}


def notify(*, call: Call) -> int:
    """Tells each applicant's members their decision, once per decision, in their language
    (the messages go out as background tasks through the outbox)."""
    sent = 0
    applications = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .exclude(decision=Application.Decision.PENDING)
        .select_related("organisation")
    )
    for application in applications:
        if application.notified_decision == application.decision:
            continue
        key = (
            "promoted"
            if (
                application.decision == Application.Decision.ACCEPTED
                and application.notified_decision == Application.Decision.WAITLISTED
            )
            else application.decision
        )
        position = (application.rank - call.places) if application.rank else ""
        for membership in application.organisation.memberships.filter(
            status=Membership.Status.ACTIVE
        ).select_related("user"):
            with translation.override(membership.user.language):
                link = absolute_url(application.get_absolute_url())
            tell(
                membership.user,
                MESSAGES[key],
                series_id=call.edition.series_id,
                org=application.organisation,
                edition=call.edition,
                position=position,
                link=link,
            )
            sent += 1
        application.notified_decision = application.decision
        application.save(update_fields=["notified_decision"])
    return sent


def _promote_from_waitlist(call: Call) -> list[Application]:
    """After a withdrawal: the accepted stay accepted, and the optimiser fills the freed
    places from the waiting list under the same quotas."""
    pool, _left_out = _candidates(call)
    accepted = set(
        call.applications.filter(
            decision=Application.Decision.ACCEPTED, status=Application.Status.SUBMITTED
        ).values_list("pk", flat=True)
    )
    waitlisted = set(
        call.applications.filter(
            decision=Application.Decision.WAITLISTED, status=Application.Status.SUBMITTED
        ).values_list("pk", flat=True)
    )
    pinned = [
        replace(c, pin=True) if c.id in accepted else c
        for c in pool
        if c.id in accepted | waitlisted
    ]
    outcome = select.select(pinned, _quotas(call))
    promoted = []
    for application in call.applications.filter(pk__in=set(outcome.accepted) - accepted):
        application.decision = Application.Decision.ACCEPTED
        application.reason = {"code": "promoted"}
        application.decided_at = timezone.now()
        application.save(update_fields=["decision", "reason", "decided_at"])
        make_exhibitor(application=application)
        promoted.append(application)
    if promoted:
        notify(call=call)
    return promoted
