"""The organisers' certificate pages of an edition's programme: make a batch (in the
background, with its progress), download one or all, send one to its holder, correct a name,
revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import certificates as core_certificates
from maarid.core import jobs, services, uploads
from maarid.core.params import id_or_404
from maarid.fairs.selectors import with_edition

from . import certificates

PER_PAGE = 100


def _back(edition, pk=None):
    if pk is None:
        return redirect("programme:certificates", edition.series.slug, edition.number)
    return redirect("programme:certificate", edition.series.slug, edition.number, pk)


@login_required
@with_edition(need="organise")
def certificates_page(request, series, number):
    edition = request.edition
    kind = request.GET.get("kind")
    kind = kind if kind in certificates.KINDS else None
    page = Paginator(certificates.listed(edition, kind), PER_PAGE).get_page(request.GET.get("page"))
    owed, issued = certificates.owed(edition), certificates.issued(edition)
    kinds = [
        {"key": k, "label": label, "owed": owed[k], "issued": issued[k]}
        for k, label in certificates.KINDS.items()
    ]
    return render(
        request,
        "programme/certificates.html",
        {
            "edition": edition,
            "kinds": kinds,
            "kind": kind,
            "page": page,
            "query": f"kind={kind}" if kind else "",
        },
    )


@login_required
@require_POST
@with_edition(need="organise")
def make(request, series, number):
    kind = request.POST.get("kind")
    if kind not in certificates.KINDS:
        messages.error(request, _("Choose which certificates to make."))
        return _back(request.edition)
    return jobs.start_and_show(
        request,
        certificates.make_certificates,
        kind=certificates.JOB_KIND,
        series_id=request.edition.series_id,
        series=series,
        number=number,
        certificate_kind=kind,
    )


@login_required
@with_edition(need="organise")
def all_zip(request, series, number):
    """The zip a batch job made (``?file=``, its key)."""
    name = core_certificates.stored_zip(
        certificates.group_of(request.edition), request.GET.get("file")
    )
    if name is None:
        raise Http404
    filename = f"certificates-{series}-{number}.zip"
    return uploads.serve_protected(request, name, True, filename=filename)


@login_required
@with_edition(need="organise")
def certificate(request, series, number, pk):
    found = certificates.certificate_of(request.edition, id_or_404(pk))
    verdict = core_certificates.verdict_of(found)
    email, phone, _language = certificates.contact_of(found)
    return render(
        request,
        "programme/certificate.html",
        {
            "edition": request.edition,
            "cert": found,
            "verdict": verdict,
            "kind_label": certificates.KINDS.get(certificates.short_kind(found), found.kind),
            "email": email,
            "phone": phone,
        },
    )


@login_required
@with_edition(need="organise")
def certificate_pdf(request, series, number, pk):
    found = certificates.certificate_of(request.edition, id_or_404(pk))
    name = core_certificates.pdf_of(found)
    return uploads.serve_protected(
        request, name, True, filename=core_certificates.download_name(found)
    )


@login_required
@require_POST
@with_edition(need="organise")
def correct(request, series, number, pk):
    found = certificates.certificate_of(request.edition, id_or_404(pk))
    try:
        new = services.correct_certificate(
            actor=request.user,
            certificate=found,
            holder_name_ar=request.POST.get("holder_name_ar", ""),
            holder_name_latin=request.POST.get("holder_name_latin", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request.edition, found.pk)
    messages.success(
        request,
        _("The name has been corrected: a new certificate (%(code)s) replaces the old one.")
        % {"code": new.display_code},
    )
    return _back(request.edition, new.pk)


@login_required
@require_POST
@with_edition(need="organise")
def revoke(request, series, number, pk):
    found = certificates.certificate_of(request.edition, id_or_404(pk))
    try:
        services.revoke_certificate(
            actor=request.user, certificate=found, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The certificate has been revoked."))
    return _back(request.edition, found.pk)


@login_required
@require_POST
@with_edition(need="organise")
def send(request, series, number, pk):
    found = certificates.certificate_of(request.edition, id_or_404(pk))
    try:
        certificates.send(
            actor=request.user,
            edition=request.edition,
            certificate=found,
            channel=request.POST.get("channel", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The link to the certificate has been sent."))
    return _back(request.edition, found.pk)
