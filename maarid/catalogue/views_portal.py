"""An organisation's own products (the exhibitor portal): the list with the stock at each edition
it exhibits at, the product form (photos and stock included), import and export by spreadsheet.
And the photos, served to whoever may see them.

The pages are for the organisation's members and the organisers of a series whose registry
holds it; anyone else gets a 404, as for an organisation that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files import File
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maarid.core import spreadsheets, uploads
from maarid.core.spreadsheets import ImportFileError, stash, stashed

from . import importing, selectors, services
from .forms import ImportForm, ProductForm
from .models import Product


@login_required
def product_list(request, organisation):
    organisation = selectors.managed_organisation(request.user, organisation)
    editions = list(selectors.current_editions(organisation))
    show = request.GET.get("show", "")
    rows = selectors.stock_table(organisation, editions, show)
    return render(
        request,
        "catalogue/portal/list.html",
        {"organisation": organisation, "editions": editions, "rows": rows, "show": show},
    )


@login_required
def product_create(request, organisation):
    organisation = selectors.managed_organisation(request.user, organisation)
    return _edit(request, organisation, Product(organisation=organisation))


@login_required
def product_edit(request, organisation, slug):
    organisation = selectors.managed_organisation(request.user, organisation)
    product = selectors.product_of(organisation, slug)
    return _edit(request, organisation, product)


def _edit(request, organisation, product):
    """The form, saved as a whole: the product, its labels, its stock and its photos, or
    nothing (a photo refused by its content stops it all, before anything is stored)."""
    creating = product.pk is None
    form = ProductForm(
        request.POST or None,
        request.FILES or None,
        instance=product,
        organisation=organisation,
        editions=selectors.current_editions(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_product(
                actor=request.user,
                product=form.instance,
                labels=form.cleaned_data["labels"],
                stock=form.stock(),
                remove_photos=form.cleaned_data["remove_photos"],
                new_photos=form.cleaned_data["new_photos"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if creating:
                messages.success(request, _("The product has been added."))
            else:
                messages.success(request, _("The changes have been saved."))
            return redirect("catalogue:my-products", organisation.slug)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "catalogue/portal/form.html",
        {"organisation": organisation, "product": product, "form": form, "creating": creating},
        status=status,
    )


def _add_errors(form, error):
    """Puts a service's ValidationError on the form: on its fields when it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Import and export ------------------------------------------------------------------------


def _session_key(organisation) -> str:
    return f"catalogue-import-{organisation.pk}"


def _refused_key(organisation) -> str:
    return f"{_session_key(organisation)}-refused"


@login_required
def product_import(request, organisation):
    """Upload a file: the page shows at once what each row would do, and what is wrong; the
    checked file waits (for this user only) until they confirm, and is then saved whole, or
    (if they chose so) its rows that are right; ``?refused`` is the file of the others."""
    organisation = selectors.managed_organisation(request.user, organisation)
    refused = spreadsheets.stashed_refused(request.session.get(_refused_key(organisation)))
    context = {
        "organisation": organisation,
        "form": ImportForm(),
        "edition": selectors.current_editions(organisation).first(),
        "refused": _refused_page(organisation) if refused else None,
    }
    if request.method != "POST":
        if "refused" in request.GET and refused is not None:
            return spreadsheets.download(refused[0].read_bytes(), refused[1], "refused-rows")
        return render(request, "catalogue/portal/import.html", context)
    try:
        if request.POST.get("action") == "commit":
            return _commit(request, organisation, context)
        return _preview(request, organisation, context)
    except ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, "catalogue/portal/import.html", context, status=400)


def _preview(request, organisation, context):
    form = context["form"] = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "catalogue/portal/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    context["rows_choice"] = request.POST.get("rows")
    right_rows = spreadsheets.right_rows(context["rows_choice"])
    report = importing.preview(upload, organisation)
    context["report"] = report
    if report.may_import(right_rows):
        token = stash(upload).name
        request.session[_session_key(organisation)] = token
        context["token"] = token
    _keep_refused(request, organisation, context, report, right_rows)
    return render(request, "catalogue/portal/import.html", context)


def _keep_refused(request, organisation, context, report, right_rows: bool) -> None:
    """With the choice to import the rows that are right, the others wait as a file."""
    refused = spreadsheets.stash_refused(report) if right_rows else None
    request.session[_refused_key(organisation)] = refused
    context["refused"] = _refused_page(organisation) if refused else None


def _refused_page(organisation) -> str:
    return f"{reverse('catalogue:product-import', args=[organisation.slug])}?refused"


def _commit(request, organisation, context):
    token = request.POST.get("token", "")
    path = stashed(token)
    if not token or request.session.get(_session_key(organisation)) != token or path is None:
        raise ImportFileError(_("This import is no longer waiting: upload the file again."))
    del request.session[_session_key(organisation)]
    right_rows = spreadsheets.right_rows(request.POST.get("rows"))
    try:
        with path.open("rb") as stored:
            report = importing.commit(
                actor=request.user,
                uploaded_file=File(stored, path.name),
                organisation=organisation,
                right_rows=right_rows,
            )
    finally:
        path.unlink(missing_ok=True)
    _keep_refused(request, organisation, context, report, right_rows)
    if report.may_import(right_rows) and report.created + report.updated:
        messages.success(request, _imported_message(report))
        if report.refused:  # to the import page, which offers them to download
            return redirect("catalogue:product-import", organisation.slug)
        return redirect("catalogue:my-products", organisation.slug)
    context.update(report=report, imported=True)
    return render(request, "catalogue/portal/import.html", context, status=400)


def _imported_message(report) -> str:
    created = ngettext("%(count)d product added", "%(count)d products added", report.created) % {
        "count": report.created
    }
    updated = ngettext(
        "%(count)d product updated", "%(count)d products updated", report.updated
    ) % {"count": report.updated}
    done = _("Import done: %(created)s, %(updated)s.") % {"created": created, "updated": updated}
    return f"{done} {spreadsheets.refused_said(report)}".strip()


@login_required
def product_export(request, organisation):
    organisation = selectors.managed_organisation(request.user, organisation)
    return spreadsheets.download(
        importing.export_xlsx(organisation), "xlsx", f"products-{organisation.slug}"
    )


# --- Photos -----------------------------------------------------------------------------------


def photo(request, pk):
    """A product's photo; ``?size=small`` its thumbnail. Public while the product is shown in
    the catalogue; a hidden product's photos only for those who manage it."""
    photo = selectors.photo(pk)
    product = photo.product
    allowed = product.active or selectors.may_manage(request.user, product.organisation)
    small = request.GET.get("size") == "small" and photo.thumbnail
    name = photo.thumbnail if small else photo.file
    filename = product.slug or "photo"
    return uploads.serve_protected(request, name, allowed=allowed, filename=filename)
