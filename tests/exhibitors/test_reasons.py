"""Every reason the optimiser gives reads as a sentence, with the names and numbers it needs."""

import pytest
from django.utils import translation

from maarid.exhibitors.reports import Explainer
from tests.exhibitors.conftest import applicant, submitted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, params, expected",
    [
        ("accepted", {"rank": 1}, "Among the best scores within the places and quotas."),
        ("accepted", {"rank": 1, "pinned": True}, "Forced in by an organiser."),
        ("promoted", {}, "Moved up from the waiting list when a place freed up."),
        ("pinned_out", {}, "Forced out by an organiser."),
        ("places_full", {"places": 3, "pinned": 0}, "All 3 places went to applicants with"),
        # The limits' parameters as the optimiser gives them (select._limit_reason).
        (
            "province_max",
            {"province": "TTA", "province_max": 2, "pinned": 0},
            "The maximum of 2 exhibitors from {p} is reached",
        ),
        (
            "sector_max",
            {"sector": "terroir", "sector_max": 5, "pinned": 1},
            "The maximum of 5 exhibitors in the sector Terroir products is reached",
        ),
        (
            "province_and_sector_max",
            {"province": "TTA", "province_max": 2, "sector": "terroir", "sector_max": 5},
            "Both the maximum for {p} (2) and the maximum for the sector Terroir products (5)",
        ),
        ("displaced_by_pin", {"instead_of": "other"}, "Its place went to Coop B, forced in"),
        ("reserved_for_women", {"share": 30}, "women's cooperatives below 30%."),
        (
            "reserved_for_women",
            {"share": 30, "instead_of": "other"},
            "Scores higher than Coop B, but taking it instead would break the minimum share of "
            "women's cooperatives (30%).",
        ),
        ("reserved_for_first_timers", {}, "The places left are reserved for first-time"),
        (
            "reserved_for_first_timers",
            {"places": 4, "instead_of": "other"},
            "Scores higher than Coop B, but that place is reserved for first-time exhibitors "
            "(4 places).",
        ),
        ("sector_min", {"sector": "terroir", "min": 4}, "the minimum of the sector Terroir"),
        (
            "sector_min",
            {"sector": "terroir", "min": 4, "instead_of": "other"},
            "Scores higher than Coop B, but the minimum for the sector Terroir products (4)",
        ),
        ("not_reviewed", {}, "Not reviewed: no score yet."),
        ("not_eligible", {}, "Not eligible for this call"),
        ("not_proven", {}, "The optimiser ran out of time before it could prove this decision."),
        ("unexplained", {}, "Not selected with the places and quotas of this call."),
    ],
)
def test_each_reason_code_has_its_sentence(call, series, code, params, expected):
    other = submitted(call, *applicant(series, "Coop B"))
    province = other.organisation.province
    if params.get("instead_of") == "other":
        params = {**params, "instead_of": other.pk}
    if params.get("province") == "TTA":
        params = {**params, "province": province.pk}
    with translation.override("en"):
        sentence = Explainer(call).reason_text(code, params)
        assert expected.format(p=province.name) in sentence, sentence
