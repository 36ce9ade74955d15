"""What the selection says in words (reasons, shortfalls), the applications as a spreadsheet,
and what the selection report shows (made as a PDF by ``documents.SelectionReport``)."""

import io
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from maarid.core.models import User
from maarid.core.spreadsheets import neutralise
from maarid.registry.models import Kind, Province, Sector

from .models import Application, Call, Review

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Why an applicant has its decision, by the optimiser's reason code (exhibitors/select.py);
# "pinned_in" is an "accepted" that an organiser forced in. Their parameters: the call's numbers
# the optimiser gives, and the province, the sector and the other applicant by name.
NOT_SELECTED = gettext_lazy("Not selected with the places and quotas of this call.")
REASONS = {
    "accepted": gettext_lazy("Among the best scores within the places and quotas."),
    "pinned_in": gettext_lazy("Forced in by an organiser."),
    "promoted": gettext_lazy("Moved up from the waiting list when a place freed up."),
    "pinned_out": gettext_lazy("Forced out by an organiser."),
    "places_full": gettext_lazy(
        "All %(places)d places went to applicants with a better score (or the same "
        "score, submitted earlier)."
    ),
    "province_max": gettext_lazy(
        "The maximum of %(max)d exhibitors from %(province)s is reached with "
        "applicants with better scores."
    ),
    "sector_max": gettext_lazy(
        "The maximum of %(max)d exhibitors in the sector %(sector)s is reached with "
        "applicants with better scores."
    ),
    "province_and_sector_max": gettext_lazy(
        "Both the maximum for %(province)s (%(province_max)d) and the maximum for the "
        "sector %(sector)s (%(sector_max)d) are reached."
    ),
    "displaced_by_pin": gettext_lazy("Its place went to %(other)s, forced in by an organiser."),
    "reserved_for_women": gettext_lazy(
        "Accepting it would bring the share of women's cooperatives below %(share)d%%."
    ),
    "reserved_for_first_timers": gettext_lazy(
        "The places left are reserved for first-time exhibitors."
    ),
    "sector_min": gettext_lazy(
        "The places left are needed for the minimum of the sector %(sector)s."
    ),
    "not_reviewed": gettext_lazy("Not reviewed: no score yet."),
    "not_eligible": gettext_lazy(
        "Not eligible for this call (kind or sector of the organisation)."
    ),
    "not_proven": gettext_lazy(
        "The optimiser ran out of time before it could prove this decision."
    ),
}
# The same, when the reason names the applicant taken instead of this one (``instead_of``).
INSTEAD_OF = {
    "reserved_for_women": gettext_lazy(
        "Scores higher than %(other)s, but taking it instead would break the "
        "minimum share of women's cooperatives (%(share)d%%)."
    ),
    "reserved_for_first_timers": gettext_lazy(
        "Scores higher than %(other)s, but that place is reserved for first-time "
        "exhibitors (%(places)d places)."
    ),
    "sector_min": gettext_lazy(
        "Scores higher than %(other)s, but the minimum for the sector %(sector)s "
        "(%(min)d) needs that exhibitor."
    ),
}


class Explainer:
    """Turns the optimiser's reason codes and shortfalls (exhibitors/select.py) into sentences
    in the current language. Reasons name other applicants (``instead_of``), provinces and
    sectors by key: they are looked up once per call."""

    def __init__(self, call: Call):
        self.call = call
        self._names: dict[int, str] | None = None
        self._provinces: dict[str, str] | None = None

    def _organisation(self, application_id: int) -> str:
        if self._names is None:
            self._names = {
                a.pk: a.organisation.name
                for a in self.call.applications.select_related("organisation")
            }
        return self._names.get(application_id, "?")

    def _province(self, code: str | None) -> str:
        if self._provinces is None:
            self._provinces = {p.pk: p.name for p in Province.objects.all()}
        return self._provinces.get(code or "", code or "")

    @staticmethod
    def _sector(code) -> str:
        try:
            return str(Sector(code).label)
        except ValueError:
            return code or ""

    # --- reasons -------------------------------------------------------------------------

    def reason(self, application: Application) -> str:
        """Why this applicant has its decision, in one or two sentences."""
        if application.decision == Application.Decision.PENDING:
            return ""
        data = application.reason or {}
        try:
            sentence = self.reason_text(data.get("code", ""), data.get("params") or {})
        except (KeyError, TypeError, ValueError):  # a reason stored by an older optimiser
            sentence = _("Not selected with the places and quotas of this call.")
        if (
            application.decision == Application.Decision.REJECTED
            and application.rank is not None
            and data.get("code") not in ("pinned_out", "not_eligible", "not_reviewed")
        ):
            sentence += " " + _(
                "The waiting list is full (%(size)d applicants with better ranks)."
            ) % {"size": self.call.waitlist_size}
        return sentence

    def reason_text(self, code: str, params: dict) -> str:
        other = params.get("instead_of")
        if code == "accepted" and params.get("pinned"):
            code = "pinned_in"
        text = (other and INSTEAD_OF.get(code)) or REASONS.get(code, NOT_SELECTED)
        return str(text) % {
            # The optimiser names a limit by its quota (province_max, sector_max).
            "max": params.get(code),
            **params,
            "other": self._organisation(other) if other else "",
            "province": self._province(params.get("province")),
            "sector": self._sector(params.get("sector")),
        }

    # --- shortfalls -----------------------------------------------------------------------

    def shortfall(self, item: dict) -> str:
        try:
            return self._shortfall(item)
        except (KeyError, TypeError, ValueError):
            return str(item)

    def _shortfall(self, item: dict) -> str:
        quota, key = item.get("quota"), item.get("key")
        p = {
            "required": item.get("required", 0),
            "met": item.get("met", 0),
            "short": item.get("short", 0),
            "share": self.call.women_min_share or 0,
            "sector": self._sector(key),
            "province": self._province(key),
        }
        if item.get("bound") == "max":
            if quota == "province_max":
                label = _("Maximum per province for %(province)s") % p
            elif quota == "sector_max":
                label = _("Maximum for the sector %(sector)s") % p
            else:
                label = _("Number of places")
            return _(
                "%(label)s: %(required)d allowed, %(met)d forced in by organisers — %(short)d over."
            ) % {**p, "label": label}
        if quota == "sector_min":
            label = _("Sector minimum for %(sector)s") % p
        elif quota == "women_min_share":
            label = _("Women's cooperatives (%(share)d%% of the accepted)") % p
        elif quota == "first_timer_places":
            label = _("Places reserved for first-time exhibitors")
        else:
            label = str(quota)
        return _("%(label)s: %(required)d required, %(met)d possible — %(short)d short.") % {
            **p,
            "label": label,
        }

    def shortfalls(self, run) -> list[str]:
        return [self.shortfall(item) for item in (run.shortfalls if run else [])]


def aggregation_text(call: Call) -> str:
    """The one sentence that says how reviewers' totals become an application's score."""
    if call.aggregation == Call.Aggregation.NORMALISED:
        return _(
            "Each reviewer's totals are first put on the panel's common mean and spread, so "
            "that harsh and lenient reviewers weigh the same; the score is the mean of these "
            "adjusted totals."
        )
    return _("The score is the plain mean of the totals its reviewers gave.")


def quota_lines(call: Call) -> list[str]:
    """The call's places and quotas, one line each."""
    lines = [
        _("%(places)d places; waiting list of %(size)d.")
        % {"places": call.places, "size": call.waitlist_size}
    ]
    if call.women_min_share:
        lines.append(
            _("At least %(share)d%% women's cooperatives among the accepted.")
            % {"share": call.women_min_share}
        )
    if call.province_max is not None:
        lines.append(_("At most %(max)d exhibitors per province.") % {"max": call.province_max})
    if call.first_timer_places:
        lines.append(
            _("%(places)d places reserved for first-time exhibitors.")
            % {"places": call.first_timer_places}
        )
    for quota in call.sector_quotas.all():
        sector = quota.get_sector_display()
        if quota.minimum and quota.maximum is not None:
            lines.append(
                _("%(sector)s: between %(min)d and %(max)d exhibitors.")
                % {"sector": sector, "min": quota.minimum, "max": quota.maximum}
            )
        elif quota.minimum:
            lines.append(
                _("%(sector)s: at least %(min)d exhibitors.")
                % {"sector": sector, "min": quota.minimum}
            )
        elif quota.maximum is not None:
            lines.append(
                _("%(sector)s: at most %(max)d exhibitors.")
                % {"sector": sector, "max": quota.maximum}
            )
    lines.append(
        _("Combined score: %(how)s. %(explanation)s")
        % {"how": call.get_aggregation_display(), "explanation": aggregation_text(call)}
    )
    return lines


def decided(call: Call):
    """The submitted applications by decision, best rank first."""
    applications = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .select_related("organisation__province", "overridden_by")
        .order_by("rank", "organisation__name_fr", "id")
    )
    groups: dict[str, list[Application]] = {d: [] for d in Application.Decision.values}
    for application in applications:
        groups[application.decision].append(application)
    # Those left out before the optimiser (no rank) come last.
    groups[Application.Decision.REJECTED].sort(key=lambda a: (a.rank is None, a.rank or 0))
    return groups


def womens_coop(organisation) -> bool:
    return organisation.kind == Kind.COOPERATIVE and organisation.women_led


# --- The spreadsheet ----------------------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def export_xlsx(call: Call) -> bytes:
    """Two sheets: the applications (with one column per reviewer's total) and the reviews
    (one row each, with the mark per criterion). Text cells are neutralised against formula
    injection."""
    explainer = Explainer(call)
    yes, no = _("yes"), _("no")
    applications = list(
        call.applications.exclude(status=Application.Status.DRAFT)
        .select_related("organisation__province")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer").prefetch_related("scores"),
            )
        )
        .order_by("rank", "organisation__name_fr", "id")
    )
    reviewers: dict[int, User] = {}
    for application in applications:
        for review in application.reviews.all():
            reviewers.setdefault(review.reviewer_id, review.reviewer)
    reviewer_ids = sorted(reviewers, key=lambda pk: str(reviewers[pk]).lower())
    criteria = list(call.criteria.all())

    workbook = Workbook(write_only=True)
    rtl = translation.get_language_bidi()
    sheet = workbook.create_sheet(title=_("Applications")[:31])
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(
        [
            _("Name in Arabic"),
            _("Name in French"),
            capfirst(_("kind")),
            capfirst(_("sector")),
            _("Province"),
            _("Women's cooperative"),
            _("First time"),
            _("Status"),
            _("Decision"),
            _("Score"),
            _("Rank"),
            _("Reason"),
            _("Override"),
            _("Override reason"),
            *[
                neutralise(_("Total by %(reviewer)s") % {"reviewer": reviewers[pk]})
                for pk in reviewer_ids
            ],
        ]
    )
    for a in applications:
        o = a.organisation
        totals = {r.reviewer_id: r.total for r in a.reviews.all()}
        override = {True: _("Forced in"), False: _("Forced out"), None: ""}[a.pinned]
        sheet.append(
            [
                neutralise(o.name_ar),
                neutralise(o.name_fr),
                o.get_kind_display(),
                o.get_sector_display(),
                o.province.name,
                yes if womens_coop(o) else no,
                yes if a.first_time else no,
                a.get_status_display(),
                a.get_decision_display(),
                a.score,
                a.rank,
                neutralise(explainer.reason(a)),
                override,
                neutralise(a.override_reason),
                *[totals.get(pk) for pk in reviewer_ids],
            ]
        )

    sheet = workbook.create_sheet(title=_("Reviews")[:31])
    sheet.sheet_view.rightToLeft = rtl
    sheet.append(
        [
            _("Organisation"),
            _("Reviewer"),
            _("Assigned on"),
            _("Submitted on"),
            _("Total"),
            *[neutralise(c.name) for c in criteria],
            _("Comment"),
        ]
    )
    for a in applications:
        for review in a.reviews.all():
            marks = {s.criterion_id: s.value for s in review.scores.all()}
            sheet.append(
                [
                    neutralise(a.organisation.name),
                    neutralise(str(review.reviewer)),
                    _local(review.assigned_at),
                    _local(review.submitted_at),
                    review.total,
                    *[marks.get(c.pk) for c in criteria],
                    neutralise(review.comment),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The PDF report -----------------------------------------------------------------------


def report_context(call: Call) -> dict:
    """Everything the report shows, its sentences in the current language."""
    explainer = Explainer(call)
    run = call.runs.select_related("run_by").first()
    groups = decided(call)
    accepted = groups[Application.Decision.ACCEPTED]
    return {
        "call": call,
        "edition": call.edition,
        "run": run,
        "quotas": quota_lines(call),
        "shortfalls": explainer.shortfalls(run),
        "accepted": accepted,
        "waitlist": groups[Application.Decision.WAITLISTED],
        "rejected_count": len(groups[Application.Decision.REJECTED]),
        "pending_count": len(groups[Application.Decision.PENDING]),
        "pinned_in": any(a.pinned for a in accepted),
        "womens": sum(1 for a in accepted if womens_coop(a.organisation)),
        "first_timers": sum(1 for a in accepted if a.first_time),
        "accepted_score": sum((a.score or Decimal(0) for a in accepted), Decimal(0)),
    }
