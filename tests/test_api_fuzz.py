"""The API fuzzed from its own OpenAPI schema (schemathesis), in process, as four callers: an
anonymous visitor, an organiser of the series, a member of an exhibiting cooperative and the
cooperative's sales phone. Whatever is sent, the answer is never a server error, and its status,
content type and body are the ones the schema documents.

The fuzzer is given a small world to hit: path parameters, query filters and ids in bodies are
most often those of real objects (the edition, an application, a meeting, a sale...), so the
operations are tried past their 404s. Every operation runs as a subtest of one test, each
case as one of the four callers: the world is built once, and what each case writes is rolled
back after it (so that Hypothesis, which replays and shrinks cases, meets the same world).
"""

import datetime
import uuid
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from maarid.b2b import services as b2b
from maarid.catalogue.models import Label, Stock
from maarid.core.models import ApiToken
from maarid.exhibitors import services as exhibitors
from maarid.exhibitors.models import Exhibitor
from maarid.floorplan import services as floorplan
from maarid.sales import services as sales
from tests.b2b.conftest import programme  # noqa: F401 (fixture)
from tests.catalogue.conftest import make_product
from tests.conftest import make_organisation
from tests.exhibitors.conftest import applicant, marked, submitted
from tests.floorplan.conftest import small_plan

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Random cases per operation, besides the deterministic ones of schemathesis's coverage phase
# (boundaries, wrong types, missing fields): 100 s of CPU on SQLite or PostgreSQL, two to three
# minutes on two busy cores. Derandomised, so that a run of `make test` is a run like the last;
# raise it (and drop `derandomize`) to hunt further.
EXAMPLES = 60

CALLERS = ["anonymous", "organiser", "member", "device"]


@pytest.fixture
def world(edition, series, cooperative, organiser, exhibitor, buyer, reviewer, programme):  # noqa: F811
    """An edition with its call, applications and a review, an exhibitor with products in
    stock, a sales phone with a sale, a B2B programme with a meeting asked for, and a floor
    plan (unpublished)."""
    today = timezone.localdate()
    call = exhibitors.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        places=3,
    )
    application = exhibitors.start_application(actor=exhibitor, call=call, organisation=cooperative)
    item = exhibitors.add_product(
        actor=exhibitor, application=application, name_fr="Amlou", price="60.00"
    )
    other, other_user = applicant(series, "Cooperative Tissage")
    other_application = submitted(call, other, other_user)
    review = marked(other_application, reviewer, 7)

    stand = Exhibitor.objects.create(edition=edition, organisation=cooperative)
    argan = make_product(cooperative, description_fr="Pressée à froid, biologique.")
    argan.labels.add(Label.objects.first())
    Stock.objects.create(product=argan, edition=edition, quantity=50)
    honey = make_product(
        cooperative, name_fr="Miel de thym", name_ar="عسل الزعتر", price=Decimal("95.50")
    )
    device, device_token = sales.register_device(actor=exhibitor, exhibitor=stand, name="Téléphone")
    recorded = sales.record_sale(
        actor=exhibitor,
        device=device,
        sale=sales.SaleIn(
            uuid=uuid.uuid4(),
            sequence=1,
            payment="cash",
            lines=[
                sales.LineIn(quantity=2, unit_price=Decimal("180.00"), product_id=argan.pk),
                sales.LineIn(quantity=1, unit_price=Decimal("95.50"), product_id=honey.pk),
            ],
        ),
    ).sale

    seller = b2b.save_profile(
        actor=exhibitor,
        programme=programme,
        organisation=cooperative,
        offers="Huile d'argan",
        languages=["ar", "fr"],
    )
    company = buyer.memberships.get().organisation
    buyer_profile = b2b.save_profile(
        actor=buyer,
        programme=programme,
        organisation=company,
        seeks="Huile d'argan biologique",
        languages=["fr"],
    )
    meeting = b2b.request_meeting(
        actor=buyer, from_profile=buyer_profile, to_profile=seller, priority=1
    )
    series.organisations.add(
        make_organisation(name_fr="Association Ittihad", name_ar="جمعية الاتحاد")
    )
    venue = floorplan.save_plan(actor=organiser, edition=edition, plan=small_plan())

    _token, organiser_token = ApiToken.issue(organiser, "fuzz")
    _token, member_token = ApiToken.issue(exhibitor, "fuzz")
    return {
        "tokens": {
            "anonymous": None,
            "organiser": organiser_token,
            "member": member_token,
            "device": device_token,
        },
        "path": {
            "series": series.slug,
            "number": edition.number,
            "application": application.pk,
            "product": item.pk,
            "review": review.pk,
            "meeting_id": meeting.pk,
            "uuid": str(recorded.uuid),
            "key": recorded.receipt_key,
            "exhibitor_id": stand.pk,
            "day": timezone.localdate(recorded.sold_at).isoformat(),
            "booth_id": venue.booths.get(number="A2").pk,
        },
        "slugs": {"organisations": cooperative.slug, "products": argan.slug},
        "query": {
            "edition": {"search": edition.pk, "catalogue": f"{series.slug}/{edition.number}"},
            "organisation": cooperative.slug,
        },
        "body": {
            "product": argan.pk,
            "line": recorded.lines.order_by("pk").first().pk,
            "to": buyer_profile.pk,
            "application": other_application.pk,
            "reviewer": reviewer.pk,
            "organisation": cooperative.slug,
            "series": series.slug,
            "province": cooperative.province_id,
            "payment": "cash",
            "language": "ar",
            "structure": "A",
            "fixed": cooperative.slug,
        },
    }


def _real(known: dict, name: str, generated):
    """Mostly the real object's value: the fuzzer's own is tried too, but a random id or slug
    only ever finds a 404."""
    if name not in known:
        return st.just(generated)
    return st.sampled_from([known[name], known[name], generated])


def _with_real_ids(value, known: dict):
    if isinstance(value, dict):
        return {
            key: known[key]
            if key in known and not isinstance(item, dict | list)
            else _with_real_ids(item, known)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_with_real_ids(item, known) for item in value]
    return value


@pytest.fixture
def wsgi_application():
    """The site as a WSGI server runs it, except that a request does not close the database
    connection when it ends (as Django's test client): the test's transaction lives on it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, wsgi_application):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_application)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        known = dict(world["path"])
        products = "/products/" in context.operation.path
        known["slug"] = world["slugs"]["products" if products else "organisations"]
        return st.fixed_dictionaries(
            {name: _real(known, name, value) for name, value in (path_parameters or {}).items()}
        )

    @schema.hook
    def flatmap_query(context, query):
        known = dict(world["query"])
        search = context.operation.path.endswith("/search")
        known["edition"] = known["edition"]["search" if search else "catalogue"]
        return st.fixed_dictionaries(
            {name: _real(known, name, value) for name, value in (query or {}).items()}
        )

    @schema.hook
    def flatmap_body(context, body):
        """Ids in bodies (a sale's product, the profile asked for a meeting...) are real ones
        two times out of three, and so are a few values checked by the services only."""
        realised = _with_real_ids(body, world["body"])
        return st.sampled_from([realised, realised, body])

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id(request):
    """schemathesis 4.32 names each operation's subtest through ``node._nodeid``, which
    pytest 9.2 no longer has."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.mark.django_db
@schema.parametrize()
@schema.given(caller=st.sampled_from(CALLERS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_what_its_schema_says(case, caller, world):
    token = world["tokens"][caller]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with transaction.atomic():  # every case meets the same world: Hypothesis replays cases
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)
