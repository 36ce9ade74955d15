"""A small fair for the closing report: exhibitors of several provinces, sectors and kinds (one
came to an earlier edition), a sales ledger with voids, a refund and offline sales, gate counts
with a correction, survey answers, a programme, B2B meetings with deals, an award, a partner.

Rows are written as the apps store them (the ledger's entries with their negative amounts),
so that the tests can add them up again by hand, independently of the report's queries.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from maarid.awards.models import AwardCategory, Result, Winner
from maarid.b2b.models import Meeting, Outcome, Profile, Programme, Side
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition, Partner
from maarid.programme.models import CheckIn, Holder, Registration, Room, Session
from maarid.registry.models import Kind, Province, Sector
from maarid.sales import services as sales_services
from maarid.sales.models import Device, Sale, SaleLine
from maarid.visitors.models import Count, Gate, SurveyAnswer
from tests.conftest import make_organisation

ZONE = timezone.get_default_timezone()


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)


def record(exhibitor, day, hour, total, *, offline=False, payment="cash"):
    device = exhibitor.devices.first() or Device.objects.create(
        exhibitor=exhibitor, number=1, name="Phone"
    )
    amount = Decimal(total)
    sale = Sale.objects.create(
        uuid=uuid.uuid4(),
        device=device,
        exhibitor=exhibitor,
        edition=exhibitor.edition,
        number=f"S{Sale.objects.count() + 1}",
        sequence=Sale.objects.filter(device=device).count() + 1,
        payment=payment,
        subtotal=amount,
        total=amount,
        offline=offline,
        sold_at=at(day, hour),
    )
    SaleLine.objects.create(sale=sale, label="Produit", unit_price=amount, quantity=1, total=amount)
    return sale


def correct(sale, kind, total, day, hour):
    amount = -Decimal(total)
    entry = Sale.objects.create(
        uuid=uuid.uuid4(),
        device=sale.device,
        exhibitor=sale.exhibitor,
        edition=sale.edition,
        kind=kind,
        corrects=sale,
        number=f"{sale.number}-{kind[0].upper()}",
        payment=sale.payment,
        subtotal=amount,
        total=amount,
        sold_at=at(day, hour),
    )
    line = sale.lines.get()
    SaleLine.objects.create(
        sale=entry,
        label=line.label,
        unit_price=amount if kind == Sale.Kind.REFUND else line.unit_price,
        quantity=-1,
        total=amount,
        corrects=line,
    )
    return entry


def rebuild_summaries(edition):
    """The sales app's summary tables, where it keeps them, made again from the rows written
    here directly (as the demo and the benchmarks do)."""
    rebuild = getattr(sales_services, "rebuild_summaries", None)
    if rebuild is not None:
        rebuild(edition=edition)


@pytest.fixture
def provinces(db):
    return list(Province.objects.order_by("code")[:3])


@pytest.fixture
def fair(edition, series, cooperative, organiser, provinces):
    """The edition (running) with everything the report shows. Returns a dict of its parts."""
    tangier, nador, chefchaouen = provinces
    day1, day2, day3 = edition.dates()[:3]
    organisations = [
        cooperative,  # terroir cooperative (conftest), province 01.571
        make_organisation(
            name_fr="Coopérative Nour des femmes",
            name_ar="تعاونية نور للنساء",
            women_led=True,
            province=tangier,
            sector=Sector.COSMETICS,
        ),
        make_organisation(
            name_fr="Coopérative Rif Recyclage",
            name_ar="تعاونية الريف لإعادة التدوير",
            women_led=True,
            province=nador,
            sector=Sector.RECYCLING,
        ),
        make_organisation(
            kind=Kind.ARTISAN,
            name_fr="Ahmed Zouak",
            name_ar="أحمد الزواق",
            province=chefchaouen,
            sector=Sector.HANDICRAFTS,
        ),
        make_organisation(
            kind=Kind.ASSOCIATION,
            name_fr="Association Tissage",
            name_ar="جمعية النسيج",
            province=tangier,
            sector=Sector.HANDICRAFTS,
        ),
        make_organisation(
            name_fr="Coopérative Retirée",
            name_ar="تعاونية منسحبة",
            province=nador,
            sector=Sector.TERROIR,
        ),
    ]
    for organisation in organisations:
        series.organisations.add(organisation)
    exhibitors = [Exhibitor.objects.create(edition=edition, organisation=o) for o in organisations]
    withdrawn = exhibitors.pop()
    withdrawn.status = Exhibitor.Status.WITHDRAWN
    withdrawn.save()
    # An earlier edition where two of them exhibited (and a third withdrew: still a first-timer).
    earlier = Edition.objects.create(
        series=series,
        number=2,
        city=edition.city,
        starts_on=datetime.date(2023, 6, 1),
        ends_on=datetime.date(2023, 6, 5),
        status=Edition.Status.CLOSED,
    )
    Exhibitor.objects.create(edition=earlier, organisation=organisations[0])
    Exhibitor.objects.create(edition=earlier, organisation=organisations[3])
    Exhibitor.objects.create(
        edition=earlier, organisation=organisations[1], status=Exhibitor.Status.WITHDRAWN
    )

    # The ledger: sales over three days, a void, a refund, offline sales.
    a, b, c, d, e = exhibitors
    sales = [
        record(a, day1, 10, "120.00"),
        record(a, day1, 18, "80.50", offline=True),
        record(b, day1, 18, "300.00", payment="card"),
        record(b, day2, 11, "45.25"),
        record(c, day2, 19, "999.99", offline=True),
        record(d, day2, 19, "60.00"),
        record(d, day3, 12, "15.00"),
        record(e, day3, 20, "210.00"),
        record(e, day3, 20, "35.00", offline=True),
        record(a, day3, 21, "400.00"),
    ]
    correct(sales[2], Sale.Kind.VOID, "300.00", day1, 19)  # the card sale voided the same day
    correct(sales[4], Sale.Kind.REFUND, "199.99", day3, 10)  # part of it given back two days on

    # Gates: two, counting entries over three days (a −1 correcting a double tap).
    main = Gate.objects.create(edition=edition, name_fr="Porte principale", name_ar="الباب الرئيسي")
    side = Gate.objects.create(edition=edition, name_fr="Porte du parc", name_ar="باب الحديقة")
    for gate, day, hour, amount in [
        (main, day1, 10, 40),
        (main, day1, 18, 120),
        (side, day1, 18, 35),
        (main, day2, 19, 210),
        (main, day2, 19, -1),
        (side, day2, 11, 15),
        (side, day3, 20, 90),
        (main, day3, 20, 60),
    ]:
        Count.objects.create(
            key=uuid.uuid4(), edition=edition, gate=gate, amount=amount, at=at(day, hour), day=day
        )
    for n, (heard, spent, score, again) in enumerate(
        [("friends", "100-500", 5, "yes"), ("social", "1-100", 4, "yes"), ("poster", "0", 3, "no")]
    ):
        SurveyAnswer.objects.create(
            edition=edition,
            day=day1,
            respondent=f"r{n}",
            heard=heard,
            spent=spent,
            satisfaction=score,
            again=again,
        )

    # The programme: two sessions, three registrations (one cancelled), two let in.
    room = Room.objects.create(edition=edition, name_fr="Salle A", name_ar="القاعة أ", capacity=30)
    sessions = [
        Session.objects.create(
            edition=edition,
            kind=Session.Kind.WORKSHOP,
            title_fr=f"Atelier {n}",
            room=room,
            capacity=30,
            starts_at=at(day1, 10 + n),
            ends_at=at(day1, 11 + n),
            published=True,
        )
        for n in range(2)
    ]
    registrations = [
        Registration.objects.create(
            session=sessions[n % 2],
            edition=edition,
            holder=Holder.objects.create(),
            name=f"Personne {n}",
            status=status,
        )
        for n, status in enumerate(["registered", "registered", "cancelled"])
    ]
    for n, registration in enumerate(registrations[:2]):
        CheckIn.objects.create(session=registration.session, registration=registration, key=f"k{n}")

    # B2B: a buyer, two sellers, three requests, two held, one deal reported by both sides.
    programme = Programme.objects.create(edition=edition, days=[day1.isoformat()])
    buyer_org = make_organisation(
        kind=Kind.COMPANY,
        name_fr="Marjane Nord",
        name_ar="مرجان الشمال",
        ice="001234567000077",
        sector=Sector.DISTRIBUTION,
    )
    buyer = Profile.objects.create(programme=programme, organisation=buyer_org, side=Side.BUYER)
    sellers = [
        Profile.objects.create(programme=programme, organisation=o, side=Side.SELLER)
        for o in organisations[:2]
    ]
    meetings = []
    for n, (status, slot, attendance) in enumerate(
        [("accepted", 1, "held"), ("accepted", 2, "held"), ("declined", None, "")]
    ):
        meeting = Meeting.objects.create(
            programme=programme, buyer=buyer, status=status, slot=slot, attendance=attendance
        )
        meeting.sellers.add(sellers[n % 2])
        meetings.append(meeting)
    Outcome.objects.create(
        meeting=meetings[0], profile=buyer, result="deal", amount=Decimal("5000")
    )
    Outcome.objects.create(
        meeting=meetings[0], profile=sellers[0], result="deal", amount=Decimal("5200")
    )
    Outcome.objects.create(meeting=meetings[1], profile=buyer, result="lead")

    # An award, locked and published; a partner.
    category = AwardCategory.objects.create(
        edition=edition,
        kind=AwardCategory.Kind.COMPUTED,
        name_fr="Meilleures ventes",
        name_ar="أعلى المبيعات",
        name_en="Highest sales",
        rule="highest_sales",
    )
    result = Result.objects.create(
        category=category, tie_break="shared", locked=True, published_at=timezone.now()
    )
    Winner.objects.create(result=result, rank=1, exhibitor=a, label="x", measure="600.50 MAD")
    Partner.objects.create(edition=edition, organisation=buyer_org, role=Partner.Role.SPONSOR)
    rebuild_summaries(edition)
    return {
        "edition": edition,
        "exhibitors": exhibitors,
        "withdrawn": withdrawn,
        "sales": sales,
        "gates": (main, side),
        "days": (day1, day2, day3),
        "organiser": organiser,
    }
