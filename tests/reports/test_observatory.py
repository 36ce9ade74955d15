"""The observatory and its open data: fairs compared across editions and regions, and what the
open files may never give away (a person, or one organisation's sales or members)."""

import csv
import datetime
import io
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.reports import opendata
from maarid.reports.opendata_protect import Cell, Equation, protect, recoverable
from maarid.sales.models import Device, Sale
from maarid.sales.services import rebuild_summaries
from maarid.visitors.models import Count, Gate
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db

# --- Suppression, on plain data ---------------------------------------------------------------


def test_a_cell_of_one_or_two_organisations_is_hidden_and_a_cell_of_nobody_is_not():
    cells = {"t": Cell(100, 7), "a": Cell(10, 1), "b": Cell(0, 0), "c": Cell(90, 6)}
    protect(cells, [Equation("t", ("a", "b", "c"))], 3)
    assert cells["a"].suppressed and cells["a"].primary
    assert not cells["b"].primary


def test_a_hidden_cell_alone_in_its_row_takes_another_with_it():
    cells = {"t": Cell(100, 9), "a": Cell(10, 1), "b": Cell(30, 4), "c": Cell(60, 4)}
    protect(cells, [Equation("t", ("a", "b", "c"))], 3)
    assert cells["a"].suppressed and cells["b"].suppressed and not cells["c"].suppressed
    assert not recoverable(cells, [Equation("t", ("a", "b", "c"))])


def test_nested_tables_cannot_give_a_hidden_region_back_through_its_neighbours_provinces():
    # Country = regions r1 + r2 + r3; r2 = its provinces p1 + p2. Hiding r1 (2 organisations)
    # and then r2 beside it is not enough: r2's provinces show, so r2, then r1, come back.
    cells = {
        "n": Cell(100, 20),
        "r1": Cell(5, 2),
        "r2": Cell(15, 8),
        "r3": Cell(80, 10),
        "p1": Cell(7, 4),
        "p2": Cell(8, 4),
    }
    equations = [Equation("n", ("r1", "r2", "r3")), Equation("r2", ("p1", "p2"))]
    protect(cells, equations, 3)
    assert cells["r1"].suppressed
    assert not recoverable(cells, equations)
    hidden = {k for k, c in cells.items() if c.suppressed}
    assert hidden & {"p1", "p2"} or "r3" in hidden


def test_recoverable_finds_a_cell_that_two_equations_give_back():
    cells = {"t": Cell(10, 9), "a": Cell(4, 1, True), "b": Cell(6, 8, True), "u": Cell(6, 8)}
    assert recoverable(cells, [Equation("t", ("a", "b")), Equation("u", ("b",))]) == {"a", "b"}


# --- A small world of fairs -------------------------------------------------------------------

ZONE = timezone.get_default_timezone()


def _sell(exhibitor, amount, *, void=False):
    device = exhibitor.devices.first() or Device.objects.create(
        exhibitor=exhibitor, number=1, name="Phone"
    )
    total = Decimal(amount)
    sale = Sale.objects.create(
        uuid=uuid.uuid4(),
        device=device,
        exhibitor=exhibitor,
        edition=exhibitor.edition,
        number=f"S{uuid.uuid4().hex[:8]}",
        sequence=Sale.objects.filter(device=device).count() + 1,
        payment="cash",
        subtotal=total,
        total=total,
        buyer_phone="+212612345678",
        sold_at=datetime.datetime.combine(
            exhibitor.edition.starts_on, datetime.time(12), tzinfo=ZONE
        ),
    )
    if void:
        Sale.objects.create(
            uuid=uuid.uuid4(),
            device=device,
            exhibitor=exhibitor,
            edition=exhibitor.edition,
            kind=Sale.Kind.VOID,
            corrects=sale,
            number=f"{sale.number}-V",
            payment="cash",
            subtotal=-total,
            total=-total,
            sold_at=sale.sold_at,
        )
    return sale


@pytest.fixture
def world(series, other_series):
    """Tanger-Tétouan's fair: 2019 (Ahmed, Badr, Chaima, Dounia from Tétouan; Ilham alone from
    Larache) and 2022 (Ahmed and Badr back, two newcomers; Ilham alone from Larache with a
    voided sale), and a draft 3rd edition whose sales must count nowhere; the Oriental's fair,
    once, with three exhibitors from Oujda."""
    city = "01.571.01.11"
    first = Edition.objects.create(
        series=series,
        number=1,
        name_fr="Salon 1",
        city_id=city,
        starts_on=datetime.date(2019, 6, 1),
        ends_on=datetime.date(2019, 6, 5),
        status=Edition.Status.CLOSED,
    )
    second = Edition.objects.create(
        series=series,
        number=2,
        name_fr="Salon 2",
        city_id=city,
        starts_on=datetime.date(2022, 6, 1),
        ends_on=datetime.date(2022, 6, 5),
        status=Edition.Status.CLOSED,
    )
    draft = Edition.objects.create(
        series=series,
        number=3,
        name_fr="Salon 3",
        city_id=city,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 6, 5),
        status=Edition.Status.DRAFT,
    )
    oriental = Edition.objects.create(
        series=other_series,
        number=1,
        name_fr="Salon de l'Oriental",
        city_id="02.411.01.23",
        starts_on=datetime.date(2024, 10, 4),
        ends_on=datetime.date(2024, 10, 9),
        status=Edition.Status.CLOSED,
    )
    people = {}
    for n, name in enumerate(["Ahmed", "Badr", "Chaima", "Dounia", "Fatima", "Ghita"]):
        people[name] = make_organisation(
            name_fr=f"Coopérative {name}",
            name_ar=f"تعاونية {name}",
            slug=f"coop-{name.lower()}",
            phone=f"+2126000000{n:02d}",
            email=f"{name.lower()}@example.ma",
            contact_name=f"{name} Alaoui",
            members_women=10 + n,
            members_men=5,
        )
    people["Ilham"] = make_organisation(
        name_fr="Coopérative Ilham",
        slug="coop-ilham",
        province_id="01.331",
        sector="handicrafts",
        members_women=3,
        members_men=1,
        contact_name="Ilham Bennani",
        phone="+212611111111",
    )
    for name in ["Omar", "Salma", "Yassir"]:
        people[name] = make_organisation(
            name_fr=f"Coopérative {name}", slug=f"coop-{name.lower()}", province_id="02.411"
        )
    sales = {
        first: {"Ahmed": 1000, "Badr": 2000, "Chaima": 3000, "Dounia": 4000, "Ilham": 777},
        second: {"Ahmed": 1500, "Badr": 2500, "Fatima": 500, "Ghita": 600, "Ilham": 888},
        draft: {"Ahmed": 99999, "Chaima": 99999, "Dounia": 99999},
        oriental: {"Omar": 100, "Salma": 200, "Yassir": 300},
    }
    for edition, amounts in sales.items():
        for name, amount in amounts.items():
            exhibitor = Exhibitor.objects.create(edition=edition, organisation=people[name])
            _sell(exhibitor, amount)
            if name == "Ilham" and edition == second:
                _sell(exhibitor, 5000, void=True)
        rebuild_summaries(edition=edition)  # the ledger was written directly
    gate = Gate.objects.create(edition=second, name_fr="Entrée")
    for amount in (300, 200, -5):
        Count.objects.create(
            key=uuid.uuid4(),
            edition=second,
            gate=gate,
            amount=amount,
            at=timezone.now(),
            day=second.starts_on,
        )
    return {"first": first, "second": second, "draft": draft, "oriental": oriental}


def _rows(client, name):
    response = client.get(f"/en/observatory/data/{name}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_each_edition_past_its_draft_reads_its_exhibitors_first_timers_visitors_and_sales(
    world, client
):
    rows = {(r["series"], r["edition"]): r for r in _rows(client, "editions")}
    assert ("ess-tta", "3") not in rows  # the draft
    first, second = rows[("ess-tta", "1")], rows[("ess-tta", "2")]
    assert (first["exhibitors"], first["first_timers"]) == ("5", "5")
    # Ahmed, Badr and Ilham came back in 2022; Chaima and Dounia did not.
    assert first["first_timers_back_next_edition"] == "3"
    assert (second["first_timers"], second["first_timers_back_next_edition"]) == ("2", "")
    assert second["visitors"] == "495"
    assert Decimal(first["sales_mad"]) == 1000 + 2000 + 3000 + 4000 + 777
    # The void of Ilham's 5,000 MAD sale is taken off.
    assert Decimal(second["sales_mad"]) == 1500 + 2500 + 500 + 600 + 888
    assert Decimal(rows[("ess-oriental", "1")]["sales_mad"]) == 600


def test_a_province_with_one_exhibitor_shows_no_sales_and_cannot_be_recovered_from_the_totals(
    world, client
):
    editions = {(r["series"], r["edition"]): r for r in _rows(client, "editions")}
    for table in ("edition-provinces", "edition-sectors"):
        rows = _rows(client, table)
        larache = [
            r for r in rows if r.get("province") == "01.331" or r.get("sector") == "handicrafts"
        ]
        assert larache and all(r["sales_mad"] == "" for r in larache)
        assert all(r["suppressed"] == "sales_mad" for r in larache)
        # Try what anyone would: the edition's total less every figure shown.
        for key, edition in editions.items():
            parts = [r for r in rows if (r["series"], r["edition"]) == key]
            hidden = [r for r in parts if r["sales_mad"] == ""]
            assert len(hidden) != 1 or edition["sales_mad"] == "", (table, key)


def test_the_sales_of_the_only_exhibitor_of_a_place_or_sector_appear_in_no_file(world, client):
    ilham = {Decimal("777"), Decimal("888")}
    for table in opendata.tables():
        cells = [v for row in _rows(client, table) for v in row.values()]
        data = json.loads(client.get(f"/en/observatory/data/{table}.json").content)
        cells += [v for row in data["rows"] for v in row.values()]
        figures = {Decimal(str(v)) for v in cells if str(v).replace(".", "").isdigit()}
        assert not figures & ilham, table


def test_the_open_data_holds_no_name_phone_or_e_mail(world, client):
    for table in opendata.tables():
        for extension in ("csv", "json"):
            text = client.get(f"/en/observatory/data/{table}.{extension}").content.decode()
            for secret in ["Ahmed", "Ilham", "Alaoui", "Bennani", "@example.ma", "+2126"]:
                assert secret not in text, (table, extension, secret)
            assert "coop-" not in text


def test_members_of_a_region_with_too_few_organisations_are_hidden_across_the_three_tables(
    world, client
):
    # The Oriental's three organisations are enough; Larache's one is not, and neither Larache
    # nor any hidden province can be recomputed from its region or the country.
    provinces = {r["province"]: r for r in _rows(client, "fabric-provinces")}
    assert provinces["01.331"]["members"] == ""
    regions = {r["region"]: r for r in _rows(client, "fabric-regions")}
    shown = [r for code, r in provinces.items() if r["region"] == "01" and r["members"]]
    hidden = [r for code, r in provinces.items() if r["region"] == "01" and not r["members"]]
    assert len(hidden) != 1 or regions["01"]["members"] == ""
    assert regions["MA"]["organisations"] == "10"
    assert shown or hidden


def test_files_carry_their_licence(world, client):
    response = client.get("/en/observatory/data/editions.csv")
    assert 'rel="license"' in response["Link"] and "odbl" in response["Link"]
    data = json.loads(client.get("/en/observatory/data/editions.json").content)
    assert data["licence"]["id"] == "ODbL-1.0"
    assert data["suppression"]["min_organisations"] == 3
    page = client.get("/en/observatory/data/").content.decode()
    assert "Open Database License" in page


def test_an_unknown_dataset_is_not_found(client, db):
    assert client.get("/en/observatory/data/people.csv").status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_observatory_shows_the_fairs_trend_and_the_fabric_in_each_language(
    world, client, language
):
    response = client.get(f"/{language}/observatory/?series=ess-tta&region=01")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") >= 5  # four trends, the fairs side by side, the fabric
    # SVG lengths are written with a dot whatever the language (not 50,0 on a French page).
    assert not re.search(r'<rect[^>]* (x|y|width|height)="[^"]*,', page)
    assert "99" + "999" not in page  # the draft's sales
    assert "Coopérative Ahmed" not in page


def test_bad_filters_show_the_default_page(world, client):
    response = client.get("/en/observatory/?series=%00nope&region=<x>")
    assert response.status_code == 200


def test_the_observatory_of_an_empty_platform_says_so(client, db):
    response = client.get("/en/observatory/")
    assert response.status_code == 200
    assert "No fair has published an edition yet." in response.content.decode()
