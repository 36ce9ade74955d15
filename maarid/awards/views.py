"""The awards pages: the organisers' categories (judged or computed), a category's jury and
criteria, the crafts at risk; the jurors' pages on a phone (their seats, one page per exhibitor
to mark, conflicts); a category's results (computed, locked by the chair, published); the
edition's public winners page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maarid.core import access, pdf, uploads
from maarid.core.forms import add_errors
from maarid.fairs.selectors import with_edition

from . import certificates, selectors, services
from .forms import (
    CategoryEditForm,
    CategoryForm,
    ConflictForm,
    CraftForm,
    CriterionForm,
    JurorForm,
    MomentForm,
    PracticeForm,
    RankingForm,
    SheetForm,
)
from .models import AwardCategory


def _url(name: str, edition, *args) -> str:
    return reverse(f"awards:{name}", args=[edition.series.slug, edition.number, *args])


# --- The organisers' pages ------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def categories(request, series, number):
    """The edition's awards, and a form to add one of either kind."""
    edition = request.edition
    form = CategoryForm(prefix="category")
    if request.method == "POST":
        form = CategoryForm(request.POST, prefix="category")
        if form.is_valid():
            try:
                category = services.create_category(
                    actor=request.user, edition=edition, **form.cleaned_data
                )
                messages.success(request, _("Award added."))
                return redirect(_url("category", edition, category.pk))
            except ValidationError as error:
                add_errors(form, error)
    return render(
        request,
        "awards/categories.html",
        {
            "edition": edition,
            "categories": selectors.categories_of(edition),
            "form": form,
            "rules": selectors.rule_labels(),
        },
    )


@login_required
@with_edition(need="organise")
def category(request, series, number, pk):
    """A category: its criteria and jury (judged) or its rule, how it is ranked, each juror's
    progress."""
    edition = request.edition
    found = selectors.category_of(edition, pk)
    forms: dict[str, Any] = {
        "edit": CategoryEditForm.of(found, prefix="edit"),
        "criterion": CriterionForm(prefix="criterion"),
        "juror": JurorForm(prefix="juror"),
        "ranking": RankingForm(
            prefix="ranking",
            initial={"tie_break": found.tie_break, "normalise": found.normalise},
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action in {"remove-juror", "remove-criterion"}:
            try:
                pk = _id(request.POST.get("item"))
                if action == "remove-juror":
                    juror = selectors.juror_of(found, pk)
                    services.remove_juror(actor=request.user, juror=juror)
                else:
                    criterion = selectors.criterion_of(found, pk)
                    services.remove_criterion(actor=request.user, criterion=criterion)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if action not in forms:
            raise Http404
        form = forms[action] = type(forms[action])(request.POST, prefix=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "edit":
                    services.update_category(actor=request.user, category=found, **data)
                    messages.success(request, _("Saved."))
                elif action == "criterion":
                    services.add_criterion(actor=request.user, category=found, **data)
                    messages.success(request, _("Criterion added."))
                elif action == "juror":
                    user = selectors.user_by_name(data["username"])
                    if user is None:
                        raise ValidationError({"username": _("Nobody has this user name.")})
                    services.add_juror(
                        actor=request.user, category=found, user=user, chair=data["chair"]
                    )
                    messages.success(request, _("Juror added."))
                else:
                    services.set_ranking(
                        actor=request.user,
                        category=found,
                        tie_break=data["tie_break"],
                        normalise=data.get("normalise", False),
                    )
                    messages.success(request, _("Saved."))
                return redirect(request.path)
            except ValidationError as error:
                add_errors(form, error)
    judged = found.kind == AwardCategory.Kind.JUDGED
    if not judged:  # a computed award has no jurors' marks to normalise
        forms["ranking"].fields.pop("normalise", None)
    return render(
        request,
        "awards/category.html",
        {
            "edition": edition,
            "category": found,
            "judged": judged,
            "criteria": selectors.criteria_of(found),
            "progress": selectors.progress(found) if judged else [],
            "result": selectors.result_of(found),
            "criterion_form": forms["criterion"],
            "juror_form": forms["juror"],
            "ranking_form": forms["ranking"],
            "edit_form": forms["edit"],
            "jurors": selectors.jurors_of(found) if judged else [],
            "eligible": selectors.eligible_count(found),
        },
    )


@login_required
@with_edition(need="organise")
def crafts(request, series, number):
    """The crafts at risk of disappearing the organisers keep, and who practises them since
    when (read by the award of the oldest artisan in a craft at risk)."""
    edition = request.edition
    craft_list = selectors.crafts_of(edition)
    exhibitors = list(selectors.exhibitors_of(edition))
    craft_form = CraftForm(prefix="craft")
    practice_form = PracticeForm(prefix="practice", crafts=craft_list, exhibitors=exhibitors)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "craft":
                craft_form = CraftForm(request.POST, prefix="craft")
                if craft_form.is_valid():
                    services.add_craft(
                        actor=request.user, edition=edition, **craft_form.cleaned_data
                    )
                    return redirect(request.path)
            elif action == "practice":
                practice_form = PracticeForm(
                    request.POST, prefix="practice", crafts=craft_list, exhibitors=exhibitors
                )
                if practice_form.is_valid():
                    data = practice_form.cleaned_data
                    services.set_practice(
                        actor=request.user,
                        craft=selectors.craft_of(edition, data["craft"]),
                        exhibitor=selectors.exhibitor_of(edition, data["exhibitor"]),
                        since=data["since"],
                    )
                    return redirect(request.path)
        except ValidationError as error:
            add_errors(craft_form if action == "craft" else practice_form, error)
    return render(
        request,
        "awards/crafts.html",
        {
            "edition": edition,
            "crafts": craft_list,
            "practices": selectors.practices_of(edition),
            "craft_form": craft_form,
            "practice_form": practice_form,
        },
    )


# --- Results --------------------------------------------------------------------------------


def _category_for_results(request, pk):
    """The organisers and the category's jurors see its results; nobody else knows it."""
    found = selectors.category_of(request.edition, pk)
    if not selectors.may_see_results(request.user, found):
        raise Http404
    return found, selectors.seat_of(request.user, found)


@login_required
@with_edition(need="view")
def results(request, series, number, pk):
    """A category's ranking as last computed: winners, runner-ups, the rows and rule behind
    them, how ties were broken and whether marks were normalised; the chair locks it here."""
    edition = request.edition
    found, seat = _category_for_results(request, pk)
    result = selectors.result_of(found)
    organiser = access.is_organiser(request.user, edition.series_id)
    measure, secondary = selectors.measures(found, result)
    return render(
        request,
        "awards/results.html",
        {
            "edition": edition,
            "category": found,
            "result": result,
            "winners": selectors.winners_of(result) if result else [],
            "trail": result.trail if result else {},
            "measure": measure,
            "secondary": secondary,
            "may_compute": organiser or (seat is not None and seat.chair),
            "may_lock": (
                seat is not None and seat.chair
                if found.kind == AwardCategory.Kind.JUDGED
                else organiser
            ),
            "may_publish": organiser,
            "rules": selectors.rule_labels(),
            "evidence": selectors.evidence(found),
            "progress": (
                selectors.progress(found) if found.kind == AwardCategory.Kind.JUDGED else []
            ),
        },
    )


@login_required
@with_edition(need="view")
def photo(request, series, number, pk, score):
    """A photo a juror took at a booth: the organisers and the category's jurors see it."""
    found, _seat = _category_for_results(request, pk)
    return uploads.serve_protected(request, selectors.photo_of(found, score), True)


def _act(request, pk, action) -> None:
    found, _seat = _category_for_results(request, pk)
    try:
        action(actor=request.user, category=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("You may not do this."))


@login_required
@require_POST
@with_edition(need="view")
def compute(request, series, number, pk):
    _act(request, pk, services.compute)
    return redirect(_url("results", request.edition, pk))


@login_required
@require_POST
@with_edition(need="view")
def lock(request, series, number, pk):
    _act(request, pk, services.lock)
    return redirect(_url("results", request.edition, pk))


@login_required
@require_POST
@with_edition(need="organise")
def publish(request, series, number, pk):
    _act(request, pk, services.publish)
    return redirect(_url("results", request.edition, pk))


# --- The jury, on a phone -------------------------------------------------------------------


@login_required
@with_edition(need="view")
def jury(request, series, number):
    """A juror's home: the awards they judge and how far they are in each."""
    edition = request.edition
    if not selectors.may_open_jury(request.user, edition):
        raise PermissionDenied
    seats = selectors.seats_of(request.user, edition)
    mine = []
    for seat in seats:
        progress = {p.juror.pk: p for p in selectors.progress(seat.category)}
        mine.append((seat, progress.get(seat.pk)))
    return render(request, "awards/jury.html", {"edition": edition, "seats": mine})


def _seat(request, pk):
    seat = selectors.seat_by_id(request.user, request.edition, pk)
    if seat is None:
        raise Http404
    return seat


@login_required
@with_edition(need="view")
def seat(request, series, number, pk):
    """The exhibitors a juror has to mark for an award: done, started, or recused."""
    edition = request.edition
    found = _seat(request, pk)
    return render(
        request,
        "awards/seat.html",
        {
            "edition": edition,
            "seat": found,
            "category": found.category,
            "rows": selectors.sheet_overview(found),
            "result": selectors.result_of(found.category),
        },
    )


@login_required
@with_edition(need="view")
def sheet(request, series, number, pk, exhibitor):
    """One exhibitor's sheet, made for a phone at the booth: a row of buttons per criterion, a
    note, a photo; and the declaration of a conflict of interest."""
    edition = request.edition
    found = _seat(request, pk)
    stand = selectors.exhibitor_of(edition, exhibitor)
    criteria = selectors.criteria_of(found.category)
    recusal = selectors.recusals(found).get(stand.pk)
    form = SheetForm(criteria=criteria, sheet=selectors.sheet(found, stand))
    if request.method == "POST":
        form = SheetForm(request.POST, request.FILES, criteria=criteria)
        if form.is_valid():
            try:
                services.score(
                    actor=request.user,
                    juror=found,
                    exhibitor=stand,
                    marks=form.marks(),
                    note=form.cleaned_data["note"],
                    photo=form.cleaned_data.get("photo"),
                )
                messages.success(
                    request, _("Marks saved for %(name)s.") % {"name": stand.organisation.name}
                )
                following = selectors.next_to_mark(found, stand)
                if following is not None:
                    return redirect(_url("sheet", edition, found.pk, following.pk))
                return redirect(_url("seat", edition, found.pk))
            except ValidationError as error:
                add_errors(form, error)
    return render(
        request,
        "awards/sheet.html",
        {
            "edition": edition,
            "seat": found,
            "category": found.category,
            "exhibitor": stand,
            "form": form,
            "recusal": recusal,
            "booth": selectors.booths(edition, [stand]).get(stand.pk),
            "conflict_form": ConflictForm(),
            "locked": selectors.is_locked(found.category),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@with_edition(need="view")
def conflict(request, series, number, pk, exhibitor):
    edition = request.edition
    found = _seat(request, pk)
    stand = selectors.exhibitor_of(edition, exhibitor)
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.declare_conflict(actor=request.user, juror=found, exhibitor=stand, reason=reason)
        messages.success(request, _("Conflict declared: you will not mark this exhibitor."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_url("seat", edition, found.pk))


# --- The public winners page ----------------------------------------------------------------


@with_edition(need="view")
def winners(request, series, number):
    """The edition's award winners, once each result is locked and published."""
    edition = request.edition
    return render(
        request,
        "awards/winners.html",
        {"edition": edition, "awards": selectors.published(edition)},
    )


# --- Certificates ---------------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def award_certificates(request, series, number):
    """The winners' certificates: issued from the locked results, each one's PDF and check
    page found by its code."""
    edition = request.edition
    return render(
        request,
        "awards/certificates.html",
        {
            "edition": edition,
            "certificates": certificates.issued(edition),
            "owed": len(certificates.owed(edition)),
        },
    )


@login_required
@require_POST
@with_edition(need="organise")
def make_certificates(request, series, number):
    edition = request.edition
    try:
        made = services.issue_certificates(actor=request.user, edition=edition)
        messages.success(
            request,
            ngettext(
                "%(n)s winner's certificate in force.",
                "%(n)s winners' certificates in force.",
                len(made),
            )
            % {"n": len(made)},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_url("certificates", edition))


# --- The ceremony's running order -----------------------------------------------------------


@login_required
@with_edition(need="organise")
def ceremony(request, series, number):
    """The closing ceremony, moment by moment: speeches, the partners' shields, the awards
    (with their winners once locked), each with its time; as a page and as a PDF."""
    edition = request.edition
    form = MomentForm(prefix="moment")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "moment":
                form = MomentForm(request.POST, prefix="moment")
                if form.is_valid():
                    services.add_moment(actor=request.user, edition=edition, **form.cleaned_data)
                    return redirect(request.path)
            elif action == "shields-awards":
                made = services.add_shields_and_awards(actor=request.user, edition=edition)
                messages.success(
                    request,
                    ngettext("%(n)s moment added.", "%(n)s moments added.", len(made))
                    % {"n": len(made)},
                )
                return redirect(request.path)
            elif action in {"up", "down", "remove"}:
                item = selectors.moment_of(edition, _id(request.POST.get("item")))
                if action == "remove":
                    services.remove_moment(actor=request.user, item=item)
                else:
                    services.move_moment(actor=request.user, item=item, earlier=action == "up")
                return redirect(request.path)
            else:
                raise Http404
        except ValidationError as error:
            add_errors(form, error)
    return render(
        request,
        "awards/ceremony.html",
        {"edition": edition, "moments": selectors.running_order(edition), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _id(raw) -> int:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)


@login_required
@with_edition(need="organise")
def ceremony_pdf(request, series, number):
    """The running order as a PDF, in the page's language (Arabic or French)."""
    edition = request.edition
    language = translation.get_language()
    body = pdf.render_pdf(
        "awards/ceremony_pdf.html",
        {"edition": edition, "moments": selectors.running_order(edition)},
        language if language in {"ar", "fr", "en"} else "fr",
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="ceremony-{edition.series.slug}-{edition.number}.pdf"'
    )
    return response
