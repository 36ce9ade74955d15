"""The programme's certificates: who gets which, made in batches in the background, sent to
their holders on request. The certificates themselves (codes, PDFs, the public check, the zip)
are core's (``maarid.core.certificates``), shared with the awards.

- participation: every person checked in at a session (a registration or a walk-in), one per
  session attended; nobody who registered but did not come;
- speaker: every speaker of a published session, naming the sessions they led;
- exhibitor: every organisation exhibiting at the edition (not those that withdrew);
- partner: appreciation for every partner of the edition.

A batch made again issues only what is missing: a person checked in since gets theirs, nobody
gets two. A certificate is bilingual (Arabic and French) whatever the page it was asked from;
its wording here is the document's, in its two languages, not the interface's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from maarid.core import certificates as core_certificates
from maarid.core import formatting, jobs, messaging, selectors, services
from maarid.core.certificates import CertificateSpec, Issuer
from maarid.core.models import Certificate, User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition, Partner
from maarid.fairs.selectors import edition_for

from .models import CheckIn, Session, Speaker

PARTICIPATION, SPEAKER, EXHIBITOR, PARTNER = "participation", "speaker", "exhibitor", "partner"
KINDS: dict[str, Any] = {
    PARTICIPATION: gettext_lazy("Participation (people checked in at a session)"),
    SPEAKER: gettext_lazy("Speakers"),
    EXHIBITOR: gettext_lazy("Exhibitors' participation"),
    PARTNER: gettext_lazy("Appreciation for partners"),
}
PREFIX = "programme."
JOB_KIND = "programme.certificates"


def kind_of(name: str) -> str:
    """The core kind of one of ``KINDS`` (``participation`` → ``programme.participation``)."""
    return PREFIX + name


def short_kind(certificate: Certificate) -> str:
    return certificate.kind.removeprefix(PREFIX)


def group_of(edition: Edition) -> str:
    return f"programme:{edition.pk}"


def _edition_names(edition: Edition) -> tuple[str, str]:
    series = edition.series
    return (
        edition.name_ar or series.name_ar or series.name_fr,
        edition.name_fr or series.name_fr or series.name_ar,
    )


def issuer_of(edition: Edition) -> Issuer:
    """The edition as printed on its certificates: its name, its city, its partners."""
    name_ar, name_fr = _edition_names(edition)
    partners = Partner.objects.filter(edition=edition).select_related("organisation")
    return Issuer(
        group=group_of(edition),
        series_id=edition.series_id,
        name_ar=name_ar,
        name_fr=name_fr,
        place_ar=edition.city.name_ar,
        place_fr=edition.city.name_fr,
        partners=tuple(
            {"name_ar": p.organisation.name_ar, "name_fr": p.organisation.name_fr, "logo": ""}
            for p in partners
        ),
    )


def _names_of(name: str) -> tuple[str, str]:
    """A name typed in one field, as (Arabic letters, Latin letters)."""
    name = " ".join(name.split())
    return (name, "") if formatting.script_language(name) == "ar" else ("", name)


def _day(moment: datetime.datetime, language: str) -> str:
    return formatting.date(timezone.localdate(moment), "long", language)


def _title(session: Session) -> tuple[str, str]:
    return session.title_ar or session.title_fr, session.title_fr or session.title_ar


# --- Who gets which --------------------------------------------------------------------------


def attendances(edition: Edition) -> QuerySet[CheckIn]:
    """Every check-in at the edition's sessions: the people who came."""
    return (
        CheckIn.objects.filter(session__edition=edition)
        .select_related("session", "registration")
        .order_by("session__starts_at", "pk")
    )


def speakers(edition: Edition) -> QuerySet[Speaker]:
    """Speakers of the edition's published sessions, with those sessions."""
    published = Session.objects.filter(published=True).order_by("starts_at")
    return (
        Speaker.objects.filter(edition=edition, sessions__published=True)
        .distinct()
        .prefetch_related(Prefetch("sessions", queryset=published, to_attr="led"))
        .order_by("name_fr", "name_ar", "pk")
    )


def exhibitors(edition: Edition) -> QuerySet[Exhibitor]:
    return (
        Exhibitor.objects.filter(edition=edition, status=Exhibitor.Status.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name_fr", "pk")
    )


def partners(edition: Edition) -> QuerySet[Partner]:
    return Partner.objects.filter(edition=edition).select_related("organisation")


def _participation(check_in: CheckIn) -> CertificateSpec:
    session = check_in.session
    registration = check_in.registration
    name_ar, name_latin = _names_of(check_in.name)
    title_ar, title_fr = _title(session)
    kind_ar, kind_fr = _SESSION_KINDS.get(session.kind, ("", ""))
    language = registration.language if registration is not None else "ar"
    return CertificateSpec(
        kind=kind_of(PARTICIPATION),
        subject=f"checkin:{check_in.pk}",
        title_ar="شهادة مشاركة",
        title_fr="Certificat de participation",
        holder_name_ar=name_ar,
        holder_name_latin=name_latin,
        lines=(
            (
                f"للمشاركة في {kind_ar} «{title_ar}»",
                f"pour sa participation {kind_fr} « {title_fr} »",
            ),
            (
                f"يوم {_day(session.starts_at, 'ar')}",
                f"le {_day(session.starts_at, 'fr')}",
            ),
        ),
        language=language if language in ("ar", "fr") else "ar",
    )


# The kind of a session as the certificate's sentence needs it, in Arabic and in French.
_SESSION_KINDS = {
    "seminar": ("الندوة", "au séminaire"),
    "workshop": ("الورشة", "à l'atelier"),
    "training": ("الدورة التكوينية", "à la formation"),
    "awareness": ("الحصة التحسيسية", "à la séance de sensibilisation"),
    "ceremony": ("حفل", "à la cérémonie"),
    "partner_talk": ("المداخلة", "à l'intervention"),
}


def _speaker(speaker: Speaker) -> CertificateSpec:
    led: list[Session] = getattr(speaker, "led", [])
    titles = [_title(s) for s in led[:4]]
    return CertificateSpec(
        kind=kind_of(SPEAKER),
        subject=f"speaker:{speaker.pk}",
        title_ar="شهادة تأطير",
        title_fr="Certificat d'intervenant",
        holder_name_ar=speaker.name_ar,
        holder_name_latin=speaker.name_fr,
        lines=(
            ("تقديرا للمساهمة في تأطير:", "en reconnaissance de son intervention à :"),
            *((f"«{ar}»", f"« {fr} »") for ar, fr in titles),
        ),
    )


def _exhibitor(exhibitor: Exhibitor, edition: Edition) -> CertificateSpec:
    organisation = exhibitor.organisation
    name_ar, name_fr = _edition_names(edition)
    return CertificateSpec(
        kind=kind_of(EXHIBITOR),
        subject=f"exhibitor:{exhibitor.pk}",
        title_ar="شهادة مشاركة",
        title_fr="Certificat de participation",
        holder_name_ar=organisation.name_ar,
        holder_name_latin=organisation.name_fr,
        lines=(
            (f"للمشاركة كعارض في {name_ar}", f"pour sa participation comme exposant : {name_fr}"),
        ),
    )


def _partner(partner: Partner, edition: Edition) -> CertificateSpec:
    organisation = partner.organisation
    name_ar, name_fr = _edition_names(edition)
    return CertificateSpec(
        kind=kind_of(PARTNER),
        subject=f"partner:{partner.pk}",
        title_ar="شهادة تقدير",
        title_fr="Certificat d'appréciation",
        holder_name_ar=organisation.name_ar,
        holder_name_latin=organisation.name_fr,
        lines=(
            (
                f"عرفانا بالدعم والمساهمة في إنجاح {name_ar}",
                f"en reconnaissance de son soutien à la réussite de : {name_fr}",
            ),
        ),
    )


def specs_for(
    edition: Edition, kind: str, sessions: list[Session] | None = None
) -> list[CertificateSpec]:
    """The certificates of ``kind`` the edition owes, as things stand (for the people of
    ``sessions`` only, when given: participation and speakers)."""
    if kind == PARTICIPATION:
        came = attendances(edition)
        if sessions is not None:
            came = came.filter(session__in=sessions)
        return [_participation(c) for c in came]
    if kind == SPEAKER:
        led = speakers(edition)
        if sessions is not None:
            led = led.filter(sessions__in=sessions).distinct()
        return [_speaker(s) for s in led]
    if kind == EXHIBITOR:
        return [_exhibitor(e, edition) for e in exhibitors(edition)]
    if kind == PARTNER:
        return [_partner(p, edition) for p in partners(edition)]
    raise ValidationError(_("Choose which certificates to make."))


def owed(edition: Edition) -> dict[str, int]:
    """How many certificates of each kind the edition owes now."""
    return {
        PARTICIPATION: attendances(edition).count(),
        SPEAKER: speakers(edition).count(),
        EXHIBITOR: exhibitors(edition).count(),
        PARTNER: partners(edition).count(),
    }


def issued(edition: Edition) -> dict[str, int]:
    """How many certificates of each kind are in force."""
    counts = dict(
        selectors.certificates_in(group_of(edition))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return {kind: counts.get(kind_of(kind), 0) for kind in KINDS}


def issue(
    *, actor: User | None, edition: Edition, kind: str, sessions: list[Session] | None = None
) -> list[Certificate]:
    """Issues the certificates of ``kind`` that the edition owes and has not issued (to the
    people of ``sessions`` only, when given)."""
    return services.issue_certificates(
        actor=actor, issuer=issuer_of(edition), specs=specs_for(edition, kind, sessions)
    )


# --- Pages' reads -----------------------------------------------------------------------------


def subjects_of(session: Session) -> list[str]:
    """What the certificates of a session's people are given for: each check-in at it
    (participation) and each of its speakers."""
    came = CheckIn.objects.filter(session=session).values_list("pk", flat=True)
    led = Speaker.objects.filter(sessions=session).values_list("pk", flat=True)
    return [f"checkin:{pk}" for pk in came] + [f"speaker:{pk}" for pk in led]


def listed(
    edition: Edition, kind: str | None, session: Session | None = None
) -> QuerySet[Certificate]:
    """The edition's certificates, those in force first, of one kind or all (and of the
    people of one session: those who came, its speakers)."""
    kinds = [kind_of(kind)] if kind in KINDS else [kind_of(k) for k in KINDS]
    found = selectors.certificates_in(group_of(edition), kinds=kinds, in_force=False)
    if session is not None:
        found = found.filter(subject__in=subjects_of(session))
    return found.order_by(
        "revoked_at", "replaced_at", "kind", "holder_name_latin", "holder_name_ar", "pk"
    )


def certificate_of(edition: Edition, pk: int) -> Certificate:
    return selectors.certificate_in(group_of(edition), pk)


def in_force(edition: Edition, kind: str | None) -> list[Certificate]:
    kinds = [kind_of(kind)] if kind in KINDS else [kind_of(k) for k in KINDS]
    return list(selectors.certificates_in(group_of(edition), kinds=kinds))


# --- Sending -----------------------------------------------------------------------------------


def contact_of(certificate: Certificate) -> tuple[str, str, str]:
    """Where the holder can be reached: (e-mail, phone, language); empty when unknown."""
    what, _sep, pk = certificate.subject.partition(":")
    if not pk.isdigit():
        return "", "", certificate.language
    if what == "checkin":
        check_in = CheckIn.objects.select_related("registration").filter(pk=int(pk)).first()
        if check_in is None:
            return "", "", certificate.language
        registration = check_in.registration
        if registration is not None:
            return registration.email, registration.phone, registration.language
        return "", check_in.walk_in_phone, certificate.language
    if what == "speaker":
        speaker = Speaker.objects.filter(pk=int(pk)).first()
        return (speaker.email, speaker.phone, "ar") if speaker else ("", "", "ar")
    holder: Exhibitor | Partner | None
    if what == "exhibitor":
        holder = Exhibitor.objects.select_related("organisation").filter(pk=int(pk)).first()
    elif what == "partner":
        holder = Partner.objects.select_related("organisation").filter(pk=int(pk)).first()
    else:
        holder = None
    if holder is None:
        return "", "", certificate.language
    return holder.organisation.email, holder.organisation.phone, certificate.language


def send(*, actor: User, edition: Edition, certificate: Certificate, channel: str) -> None:
    """Sends the holder the link to their certificate (its check page, which offers the PDF),
    by e-mail or SMS, in their language, through the outbox."""
    if not certificate.in_force:
        raise ValidationError(_("This certificate is no longer in force: it cannot be sent."))
    email, phone, language = contact_of(certificate)
    # Refusals are for the organiser, in the page's language; the message in the holder's.
    if channel not in ("email", "sms"):
        raise ValidationError(_("Choose e-mail or SMS."))
    if channel == "email" and not email:
        raise ValidationError(_("There is no e-mail address for this person."))
    if channel == "sms" and not phone:
        raise ValidationError(_("There is no phone number for this person."))
    language = language if language in ("ar", "fr", "en") else "fr"
    with translation.override(language):
        link = services.absolute_url(reverse("core:verify-pdf", args=[certificate.display_code]))
        text = _("Your certificate from %(fair)s: %(link)s") % {
            "fair": _edition_names(edition)[0 if language == "ar" else 1],
            "link": link,
        }
        if channel == "email":
            messaging.email(
                email, _("Your certificate"), text, language=language, series_id=edition.series_id
            )
        else:
            messaging.sms(phone, text, language=language, series_id=edition.series_id)


# --- The batch, in the background ---------------------------------------------------------------


def zip_page(edition: Edition) -> str:
    return reverse("programme:certificates-zip", args=[edition.series.slug, edition.number])


@task()
def make_certificates(job_id: str, series: str, number: int, certificate_kind: str) -> None:
    """Issues the certificates of ``certificate_kind`` the edition owes, for an organiser who still
    organises it, lays out their PDFs and offers them all as one zip."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        job.report(1, _("Finding who gets a certificate…"))
        made = issue(actor=job.user, edition=edition, kind=certificate_kind)
        core_certificates.make_batch_in(job, group_of(edition), made, zip_page(edition))
