"""The awards' certificates: one for each winner of a locked result, with the programme's
verification codes (``maarid.core.certificates``: anyone checks one from its QR code). A
certificate is bilingual (Arabic and French) whatever the page it was asked from; its wording
here is the document's, in its two languages, not the interface's.

Winners of a locked result never change, so each winner's certificate is issued once (made
again, the batch issues only what is missing).
"""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet

from maarid.core import selectors as core_selectors
from maarid.core.certificates import CertificateSpec, Issuer
from maarid.core.models import Certificate
from maarid.fairs.models import Edition
from maarid.programme.certificates import issuer_of as programme_issuer

from .models import AwardCategory, Result, Winner

KIND = "awards.winner"
ORDINALS_AR = {1: "الأولى", 2: "الثانية", 3: "الثالثة"}


def group_of(edition: Edition) -> str:
    return f"awards:{edition.pk}"


def issuer_of(edition: Edition) -> Issuer:
    """The edition as printed on its certificates (its name, city and partners, as on the
    programme's), in the awards' own scope."""
    return dataclasses.replace(programme_issuer(edition), group=group_of(edition))


def _place(winner: Winner, category: AwardCategory) -> tuple[str, str] | None:
    if category.places < 2:
        return None
    rank = winner.rank
    ar = ORDINALS_AR.get(rank, str(rank))
    fr = "1re" if rank == 1 else f"{rank}e"
    return f"المرتبة {ar}", f"{fr} place"


def spec_of(winner: Winner, category: AwardCategory, edition: Edition) -> CertificateSpec:
    if winner.exhibitor is not None:
        organisation = winner.exhibitor.organisation
        name_ar, name_latin = organisation.name_ar, organisation.name_fr
    else:
        name_ar, name_latin = winner.label, winner.label
    award_ar = category.name_ar or category.name_fr
    award_fr = category.name_fr or category.name_ar
    fair_ar = edition.name_ar or edition.series.name_ar
    fair_fr = edition.name_fr or edition.series.name_fr
    place = _place(winner, category)
    return CertificateSpec(
        kind=KIND,
        subject=f"winner:{winner.pk}",
        title_ar="شهادة تتويج",
        title_fr="Certificat de lauréat",
        holder_name_ar=name_ar,
        holder_name_latin=name_latin,
        lines=(
            (f"الفائز بجائزة «{award_ar}»", f"lauréat du prix « {award_fr} »"),
            *((place,) if place else ()),
            (f"في {fair_ar}", f"décerné lors du salon : {fair_fr}"),
        ),
    )


def owed(edition: Edition) -> list[CertificateSpec]:
    """A certificate for every winner of the edition's locked results."""
    winners = (
        Winner.objects.filter(result__category__edition=edition, result__locked=True)
        .select_related("exhibitor__organisation", "result__category")
        .order_by("result__category__position", "result__category__pk", "rank", "pk")
    )
    return [spec_of(w, w.result.category, edition) for w in winners]


def locked_results(edition: Edition) -> int:
    return Result.objects.filter(category__edition=edition, locked=True).count()


def issued(edition: Edition) -> QuerySet[Certificate]:
    return core_selectors.certificates_in(group_of(edition), kinds=[KIND]).order_by(
        "holder_name_latin", "holder_name_ar", "pk"
    )
