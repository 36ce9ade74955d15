"""The awards API, under /api/v1/awards/: an edition's published winners (anyone), and its
categories with the state of their results (the organisers)."""

import datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema

from maarid.api.api import OPTIONAL_AUTH
from maarid.api.schemas import Error
from maarid.fairs.selectors import with_edition

from . import selectors

router = Router(tags=["awards"], auth=OPTIONAL_AUTH)


class AwardWinnerOut(Schema):
    rank: int
    name: str
    exhibitor: int | None = Field(description="the exhibitor's id (none for a session)")
    session: int | None = Field(description="the session's id, for the session award")
    measure: str = Field(description="the figure that placed it, as a decimal string")


class PublishedAwardOut(Schema):
    category: int
    name: str
    kind: str
    rule: str
    winners: list[AwardWinnerOut]


@router.get(
    "/editions/{series}/{number}/winners",
    response={200: list[PublishedAwardOut], 404: Error},
    summary="The edition's published award winners",
)
@with_edition(need="view")
def published_winners(request, series: str, number: int):
    return [
        {
            "category": shown.category.pk,
            "name": shown.category.name,
            "kind": shown.category.kind,
            "rule": shown.category.rule,
            "winners": [
                {
                    "rank": w.rank,
                    "name": w.label,
                    "exhibitor": w.exhibitor_id,
                    "session": w.session_id,
                    "measure": w.measure,
                }
                for w in shown.winners
            ],
        }
        for shown in selectors.published(request.edition)
    ]


class AwardCategoryOut(Schema):
    id: int
    name: str
    kind: str
    rule: str
    places: int
    tie_break: str
    normalise: bool
    jurors: int
    computed_at: datetime.datetime | None
    locked: bool
    published: bool


@router.get(
    "/editions/{series}/{number}/categories",
    response={200: list[AwardCategoryOut], 403: Error, 404: Error},
    summary="The edition's awards and the state of their results (organisers)",
)
@with_edition(need="organise")
def categories(request, series: str, number: int):
    found = []
    for category in selectors.categories_of(request.edition):
        result = getattr(category, "result", None)
        found.append(
            {
                "id": category.pk,
                "name": category.name,
                "kind": category.kind,
                "rule": category.rule,
                "places": category.places,
                "tie_break": category.tie_break,
                "normalise": category.normalise,
                "jurors": getattr(category, "juror_count", 0),
                "computed_at": result.computed_at if result else None,
                "locked": bool(result and result.locked),
                "published": bool(result and result.published_at),
            }
        )
    return found


class AwardPlaceOut(Schema):
    rank: int
    key: int = Field(description="the exhibitor's id (the session's, for the session award)")
    label: str
    measure: str = Field(description="what placed it, as a decimal string")
    shown: str = Field(description="the measure as people read it (a date for a founding)")
    secondary: str = Field(description="the second measure, for the tie-break")
    tied: bool
    broken: bool = Field(description="tied on the measure, placed by the second one")
    rows: dict[str, Any] = Field(description="the rows behind the measure")


class AwardResultOut(Schema):
    category: int
    name: str
    computed_at: datetime.datetime
    normalised: bool = Field(description="each juror's totals made z-scores")
    tie_break: str
    locked: bool
    published: bool
    rule: str = Field(description="the rule applied ('jury' for a judged award)")
    measure: str
    winners: list[AwardPlaceOut]
    runner_ups: list[AwardPlaceOut]
    excluded: list[dict[str, Any]] = Field(description="candidates left out, and why")


@router.get(
    "/editions/{series}/{number}/categories/{pk}/result",
    response={200: AwardResultOut, 404: Error},
    summary="An award's result with its trail (the organisers and that award's jury)",
)
@with_edition(need="view")
def result(request, series: str, number: int, pk: int):
    category = selectors.category_of(request.edition, pk)
    if not selectors.may_see_results(request.user, category):
        raise Http404
    found = selectors.result_of(category)
    if found is None:
        raise Http404
    trail = found.trail
    return {
        "category": category.pk,
        "name": category.name,
        "computed_at": found.computed_at,
        "normalised": found.normalised,
        "tie_break": found.tie_break,
        "locked": found.locked,
        "published": found.published_at is not None,
        "rule": trail.get("rule", ""),
        "measure": trail.get("measure", ""),
        "winners": trail.get("winners", []),
        "runner_ups": trail.get("runner_ups", []),
        "excluded": trail.get("excluded", []),
    }
