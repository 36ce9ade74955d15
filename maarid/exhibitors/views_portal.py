"""The applicant's portal: apply, fill the application step by step, submit or withdraw it,
and the files attached to it (served only to those who may read the application)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maarid.core import access, uploads
from maarid.core.params import id_or_404
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .forms import (
    AboutForm,
    BoothForm,
    ChooseOrganisationForm,
    DocumentsForm,
    ProductForm,
    WithdrawForm,
)
from .models import Application
from .reports import Explainer

STEPS = [
    ("about", gettext_lazy("About you")),
    ("products", gettext_lazy("Products")),
    ("booth", gettext_lazy("Booth")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Check and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]


def _application(request, pk) -> Application:
    """The application (404 for anyone who may not read it: not even its existence shows)."""
    call = selectors.call_of(request.edition)
    return selectors.application_for(request.user, pk, call=call)


def _step_url(application, step):
    edition = application.call.edition
    return reverse(
        "exhibitors:application-step",
        args=[edition.series.slug, edition.number, application.pk, step],
    )


def _add_errors(form, error, field=None):
    """Puts a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error.messages)


# --- Applying -------------------------------------------------------------------------------


@login_required
@with_edition()
def apply(request, series, number):
    """Starts the application of the user's organisation (asks which one if they have several)."""
    edition = request.edition
    call = selectors.call_of(edition)
    user = request.user
    mine = selectors.own_applications(user, call)
    organisations, others = (
        selectors.member_organisations(user, call) if call.is_open() else ([], [])
    )
    form = ChooseOrganisationForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    chosen = None
    if len(organisations) == 1 and request.method == "GET":
        chosen = organisations[0]
    elif request.method == "POST" and form.is_valid():
        chosen = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
    error = None
    if chosen is not None:
        try:
            application = services.start_application(actor=user, call=call, organisation=chosen)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            application.call = call
            if application.editable:
                return redirect(_step_url(application, STEP_NAMES[0]))
            return redirect(application)
    return render(
        request,
        "exhibitors/portal/apply.html",
        {
            "edition": edition,
            "call": call,
            "is_open": call.is_open(),
            "organisations": organisations,
            "ineligible": others,
            "applications": mine,
            "form": form,
            "error": error,
        },
        status=400 if error or (request.method == "POST" and not form.is_valid()) else 200,
    )


# --- The application's page -----------------------------------------------------------------


def _detail_context(request, application):
    user = request.user
    call = application.call
    is_organiser = access.is_organiser(user, call.edition.series_id)
    applicant = services.is_applicant(user=user, application=application)
    requirements = list(call.required_documents.all())
    documents = list(application.documents.all())
    given = {d.requirement_id for d in documents}
    published = call.decisions_published_at is not None
    decision = selectors.visible_decision(user, application)
    return {
        "edition": call.edition,
        "call": call,
        "application": application,
        "is_applicant": applicant,
        "is_organiser": is_organiser,
        "own_review": selectors.review_of(user, application),
        "show_decision": decision != Application.Decision.PENDING,
        "decision_label": Application.Decision(decision).label,
        "waitlist_position": selectors.waitlist_position(user, application),
        "published": published,
        "reason": Explainer(call).reason(application) if is_organiser else "",
        "missing": services.missing_for_submission(application=application)
        if application.editable
        else [],
        "products": application.products.all(),
        "documents": documents,
        "requirements": [(r, r.pk in given) for r in requirements],
        "steps": _steps(application, "") if applicant and application.editable else [],
        "can_withdraw": applicant and application.status != Application.Status.WITHDRAWN,
    }


@login_required
@with_edition()
def application_detail(request, series, number, pk):
    application = _application(request, pk)
    return render(request, "exhibitors/application.html", _detail_context(request, application))


@login_required
@require_POST
@with_edition()
def application_submit(request, series, number, pk):
    application = _application(request, pk)
    try:
        services.submit(actor=request.user, application=application)
    except ValidationError as error:
        context = _detail_context(request, application)
        context["errors"] = error.messages
        return render(request, "exhibitors/application.html", context, status=400)
    messages.success(
        request,
        _("Your application has been submitted. You will get a message when it is decided."),
    )
    return redirect(application)


@login_required
@with_edition()
def application_withdraw(request, series, number, pk):
    """Asks to confirm (and for an optional reason), then withdraws."""
    application = _application(request, pk)
    access.require_change(request.user, application)
    if application.status == Application.Status.WITHDRAWN:
        return redirect(application)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The application has been withdrawn."))
            return redirect(application)
    return render(
        request,
        "exhibitors/application_withdraw.html",
        {"edition": application.call.edition, "application": application, "form": form},
        status=400 if form.errors else 200,
    )


# --- The steps ------------------------------------------------------------------------------


def _steps(application, current):
    """The stepper: each step's label, address, whether it is done and whether it is current."""
    products = application.products.exists()
    given = selectors.given_requirements(application)
    documents = all(r.pk in given for r in application.call.required_documents.all())
    done = {
        "about": bool(application.motivation.strip()),
        "products": products,
        "booth": False,  # it always has a size: nothing tells that it was looked at
        "documents": documents,
        "review": False,
    }
    return [
        {
            "name": name,
            "label": label,
            "number": i,
            "url": _step_url(application, name),
            "done": done[name],
            "current": name == current,
        }
        for i, (name, label) in enumerate(STEPS, start=1)
    ]


def _next(application, step):
    i = STEP_NAMES.index(step)
    return redirect(_step_url(application, STEP_NAMES[min(i + 1, len(STEP_NAMES) - 1)]))


@login_required
@with_edition()
def application_step(request, series, number, pk, step):
    application = _application(request, pk)
    if step not in STEP_NAMES:
        raise Http404
    try:
        # PermissionDenied for anyone but the applicant's members: a 403.
        services.check_editable(actor=request.user, application=application)
    except ValidationError as error:
        if request.method != "POST":
            messages.info(request, " ".join(error.messages))
            return redirect(application)
        return _render_step(request, application, step, {"errors": error.messages}, status=400)
    handler = {
        "about": _own_fields(AboutForm),
        "products": _products,
        "booth": _own_fields(BoothForm),
        "documents": _documents,
        "review": _review,
    }[step]
    return handler(request, application, step)


def _render_step(request, application, step, context, status=200):
    context = {
        "edition": application.call.edition,
        "call": application.call,
        "application": application,
        "step": step,
        "step_label": dict(STEPS)[step],
        "steps": _steps(application, step),
        "previous": (
            _step_url(application, STEP_NAMES[STEP_NAMES.index(step) - 1])
            if step != STEP_NAMES[0]
            else None
        ),
        **context,
    }
    return render(request, f"exhibitors/portal/step_{step}.html", context, status=status)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _own_fields(form_class):
    """A step that changes the application's own fields, those of ``form_class``."""

    def step_view(request, application, step):
        initial = {name: getattr(application, name) for name in form_class.base_fields}
        form = form_class(_posted(request), initial=initial)
        if form.is_bound and form.is_valid():
            try:
                services.update_application(
                    actor=request.user, application=application, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _next(application, step)
        status = 400 if form.is_bound else 200
        return _render_step(request, application, step, {"form": form}, status)

    return step_view


def _products(request, application, step):
    if request.method == "POST" and request.POST.get("remove"):
        product = selectors.product_of(application, id_or_404(request.POST["remove"]))
        services.remove_product(actor=request.user, product=product)
        return redirect(_step_url(application, step))
    form = ProductForm(_posted(request), request.FILES or None)
    going_on = request.POST.get("action") == "next"
    if form.is_bound and going_on and not form.has_changed():
        return _next(application, step)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_product(
                actor=request.user,
                application=application,
                name_ar=data["name_ar"],
                name_fr=data["name_fr"],
                description=data["description"],
                price=data["price"],
                photo=data["photo"] or None,
            )
        except ValidationError as error:
            _add_errors(form, error, "photo")
        else:
            if going_on:
                return _next(application, step)
            return redirect(_step_url(application, step) + "#products")
    return _render_step(
        request,
        application,
        step,
        {"form": form, "products": application.products.all()},
        400 if form.is_bound else 200,
    )


def _documents(request, application, step):
    if request.method == "POST" and request.POST.get("remove"):
        document = selectors.document_of(application, id_or_404(request.POST["remove"]))
        services.remove_document(actor=request.user, document=document)
        return redirect(_step_url(application, step))
    requirements = list(application.call.required_documents.all())
    given = selectors.given_requirements(application)
    missing = [r for r in requirements if r.pk not in given]
    form = DocumentsForm(_posted(request), request.FILES or None, requirements=missing)
    if form.is_bound and form.is_valid():
        for name, requirement, uploaded in list(form.uploads()):
            try:
                services.add_document(
                    actor=request.user,
                    application=application,
                    uploaded=uploaded,
                    requirement=requirement,
                )
            except ValidationError as error:
                form.add_error(name, error.messages)
            else:
                if requirement is not None:
                    del form.fields[name]  # done: its input goes away
        if not form.errors:
            if request.POST.get("action") == "next":
                return _next(application, step)
            return redirect(_step_url(application, step))
    documents = selectors.documents_of(application)
    by_requirement = {d.requirement_id: d for d in documents}
    return _render_step(
        request,
        application,
        step,
        {
            "form": form,
            "requirements": [
                (
                    r,
                    by_requirement.get(r.pk),
                    form[f"doc_{r.pk}"] if f"doc_{r.pk}" in form.fields else None,
                )
                for r in requirements
            ],
            "extras": [d for d in documents if d.requirement_id is None],
        },
        400 if form.is_bound else 200,
    )


def _review(request, application, step):
    context = _detail_context(request, application)
    context.pop("steps")
    return _render_step(request, application, step, context)


# --- Files ----------------------------------------------------------------------------------


@login_required
@with_edition()
def document_file(request, series, number, pk, document):
    application = _application(request, pk)
    document = selectors.document_of(application, document)
    return uploads.serve_protected(
        request,
        document.file,
        allowed=access.can_view(request.user, application),
        filename=document.original_name,
    )


@login_required
@with_edition()
def product_photo(request, series, number, pk, product):
    """The product's photo; ``?size=small`` a copy at most 480 px wide (made once)."""
    application = _application(request, pk)
    product = selectors.product_of(application, product)
    if not product.photo:
        raise Http404
    name = product.photo
    if request.GET.get("size") == "small":
        stem, dot, ext = name.rpartition(".")
        small = f"{stem}_480x480.{ext}"
        name = small if default_storage.exists(small) else uploads.thumbnail(name)
    return uploads.serve_protected(
        request, name, allowed=access.can_view(request.user, application)
    )
