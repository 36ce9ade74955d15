"""Walks every page and API endpoint as each role and checks who gets in.

The expectations are written per URL name; a page added without an entry here fails the walk,
so nobody adds a view without deciding who may open it.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from maarid.b2b import services as b2b_services
from maarid.b2b.models import Programme
from maarid.catalogue.models import Category, Product
from maarid.core.models import ApiToken
from maarid.exhibitors.models import Call, Exhibitor
from maarid.fairs.models import Partner
from maarid.registry.models import Membership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["public", "exhibitor", "buyer", "reviewer", "juror", "organiser", "other_organiser"]
OPEN = {
    "exhibitors:call",
    "core:logout",
    "registry:communes",
    "fairs:home",
    "fairs:series",
    "fairs:edition",
    "core:login",
    "core:signup",
    "core:reset",
    "core:about",
    "core:privacy",
    "javascript-catalog",
    "set_language",
    # The public site of an edition, product pages, their QR codes; findability.
    "site:directory",
    "site:exhibitor",
    "site:exhibitor-qr",
    "catalogue:product",
    "catalogue:product-qr",
    "catalogue:search",
    "sitemap",
    "sitemap-section",
    "robots",
    "favicon",
    # The sales app's page, its manifest and service worker hold nothing personal: the phone
    # signs its API calls with a device token.
    "sales:app",
    "sales:manifest",
    "pos-service-worker",
    # Anyone checks a certificate (scanning its QR code or typing its code).
    "core:verify-form",
    # The public programme, a session's page (and its registration form), the calendar feed.
    "programme:programme",
    "programme:ical",
    # The door phone's app holds nothing personal (it signs with a door phone's device token).
    "programme:door-app",
    # The gate app's page and manifest (it signs with a device token, like the sales app), the
    # public ticket registration and the visitor survey with its QR code.
    "visitors:app",
    "visitors:app-manifest",
    "visitors:register",
    "visitors:survey",
    "visitors:survey-qr",
    # The edition's award winners (what the organisers published).
    "awards:winners",
    # The observatory and its open data: aggregates only, for anyone.
    "observatory:home",
    "observatory:data",
    "observatory:dataset",
}
LOGGED_IN = {
    "exhibitors:apply",
    "core:account",
    "registry:list",
    "registry:join",
    "registry:pending",
    "registry:register-own",
}
# Any organiser (what they then see is limited to their own series).
ORGANISERS = {"registry:create", "registry:import", "core:people", "core:outbox"}
# The organisers of this edition's series only.
# The series' reviewers only.
REVIEWERS = {"exhibitors:my-reviews"}
ORGANISER_ONLY = {
    "exhibitors:call-edit",
    "exhibitors:board",
    "exhibitors:export-xlsx",
    "exhibitors:selection",
    "fairs:dashboard",
    "fairs:edition-edit",
    "fairs:edition-create",
    "fairs:team",
    "turnover:board",
    "b2b:setup",
    "b2b:meetings",
    "b2b:checkin",
    "floorplan:venue",
    "floorplan:export",
    "programme:certificates",
    "programme:grid",
    "programme:setup",
    "programme:session-new",
    "programme:door-phones",
    "floorplan:allocate",
    "floorplan:arrange",
    "visitors:board",
    "visitors:gates",
    "visitors:ticket-types",
    "awards:categories",
    "awards:crafts",
    "awards:certificates",
    "awards:ceremony",
    "awards:ceremony-pdf",
    # The closing report while the edition runs (a draft); its exports and the rows behind
    # its figures always. A closed edition's report is the public's: tests/reports.
    "reports:report",
    "reports:export",
    "reports:rows",
}
# Documents made in the background: the organisers of this edition's series are sent to the
# job's page (which offers the file: tests/catalogue/test_qr_sheet.py), nobody else.
ORGANISER_JOBS = {
    "site:qr-sheet",
    "b2b:table-signs",
    "exhibitors:selection-report",
    "floorplan:signs",  # tests/floorplan/test_printables.py
    "floorplan:plan-pdf",
    "reports:pdf",  # the closing report's, while the edition runs (tests/reports)
}
# Organisation pages: their own members and their series' organisers only.
OWN_ORGANISATION = {
    "registry:detail",
    "registry:edit",
    "registry:history",
    "catalogue:my-products",
    "catalogue:product-create",
    "catalogue:product-import",
    "catalogue:product-export",
    "turnover:ledger",
    "turnover:close",
}
# The organisation's own members only (organisers read its sales but do not register phones).
MEMBERS_ONLY = {"turnover:devices"}
# The B2B meetings' participants (the exhibiting cooperative and the buying company).
B2B_PARTICIPANTS = {
    "b2b:profile",
    "b2b:participants",
    "b2b:requests",
    "b2b:agenda",
    "b2b:agenda-pdf",
    "b2b:agenda-ics",
}
# Their home page: the participants and the organisers.
B2B_HOME = {"b2b:home"}
# The jurors' home: the series' jurors (and whoever sits on one of its juries) and organisers.
JURY_HOME = {"awards:jury"}
POST_ONLY = {
    "exhibitors:assign",
    "exhibitors:selection-run",
    "exhibitors:selection-publish",
    "core:token-create",
    "core:token-revoke",
    "core:person-erase",
    "registry:decide",
    "registry:join-request",
    "registry:invite",
    "fairs:edition-status",
    "fairs:partner-add",
    "fairs:partner-remove",
    "fairs:role-remove",
    "turnover:revoke-device",
    "b2b:schedule",
    "b2b:publish",
    "b2b:ask",
    "b2b:answer",
    "floorplan:generate",
    "floorplan:import",
    "floorplan:copy",
    "floorplan:publish",
    "programme:certificates-make",
    "programme:certificate-correct",
    "programme:certificate-revoke",
    "programme:certificate-send",
    "programme:door-phone-revoke",
    "floorplan:announce",
    "floorplan:move",
    "visitors:close-day",
    "visitors:review-conflict",
    "visitors:revoke-device",
    "visitors:revoke-ticket",
    "awards:compute",
    "awards:lock",
    "awards:publish",
    "awards:conflict",
    "awards:certificates-make",
}
# Tested on their own: tokens in the address (tests/core), jobs (tests/core/test_jobs.py), exports.
# An application's pages are walked role by role in tests/exhibitors.
SPECIAL = {
    "catalogue:product-edit",  # tests/catalogue/test_portal.py
    "catalogue:photo",  # tests/catalogue/test_products.py
    "core:reset-confirm",
    "core:person-export",
    "registry:export",
    "core:job",
    "exhibitors:application",
    "exhibitors:application-step",
    "exhibitors:application-submit",
    "exhibitors:application-withdraw",
    "exhibitors:document",
    "exhibitors:product-photo",
    "exhibitors:review",
    "exhibitors:override",
    # Receipts open with the unguessable key in their link; a sale's page (tests/sales).
    "sales:receipt",
    "sales:receipt-pdf",
    "sales:receipt-qr",
    "turnover:sale",
    "b2b:outcome",  # tests/b2b
    "floorplan:booth",  # tests/floorplan/test_pages.py
    # The public map is a 404 until the plan is published, then open; an entrance's QR code
    # is the organisers' (tests/floorplan/test_map.py).
    "floorplan:map",
    "floorplan:entrance-qr",
    "core:verify",  # a certificate's code in the address: tests/core/test_certificates.py
    "core:verify-pdf",  # the same
    # A certificate of the edition, the zip of a batch: tests/programme/test_certificates.py
    "programme:certificate",
    "programme:certificate-pdf",
    "programme:certificates-zip",
    "floorplan:allocation",  # tests/floorplan/test_allocation_job.py
    # A person's registrations open with the secret key in their link (tests/programme).
    "programme:mine",
    "programme:ical-mine",
    "programme:cancel",
    "programme:my",  # to one's own key, signed in (tests/programme/test_pages.py)
    # An exhibitor's own registrations; a session's pages (public, organisers', the door):
    # tests/programme/test_pages.py
    "programme:exhibitor-registrations",
    "programme:session",
    "programme:session-edit",
    "programme:registrants",
    "programme:registrants-xlsx",
    "programme:door",
    # A ticket opens with the unguessable code in its link (tests/visitors/test_tickets.py).
    "visitors:ticket",
    "visitors:ticket-manifest",
    # A category's page, its results, a juror's seat and sheets: tests/awards/test_pages.py
    "awards:category",
    "awards:results",
    "awards:seat",
    "awards:sheet",
    "awards:photo",
}


def all_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from all_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


@pytest.fixture
def world(
    series,
    edition,
    cooperative,
    other_cooperative,
    exhibitor,
    buyer,
    reviewer,
    juror,
    organiser,
    other_organiser,
):
    partner = Partner.objects.create(edition=edition, organisation=cooperative, role="sponsor")
    Call.objects.create(
        edition=edition, opens_on=edition.starts_on, closes_on=edition.ends_on, places=10
    )
    # The cooperative exhibits, with a product: the public site's pages have something to show.
    Exhibitor.objects.create(edition=edition, organisation=cooperative)
    # B2B meetings, where the cooperative sells and the buyer's company buys.
    programme = Programme.objects.create(edition=edition, days=[edition.starts_on.isoformat()])
    for organisation in (cooperative, buyer.memberships.get().organisation):
        b2b_services.save_profile(
            actor=organiser, programme=programme, organisation=organisation, offers="Miel"
        )
    product = Product.objects.create(
        organisation=cooperative,
        name_fr="Miel de thym",
        category=Category.objects.filter(parent__isnull=False).first(),
    )
    site = {"series": series.slug, "number": edition.number, "organisation": cooperative.slug}
    edition_args = {"series": series.slug, "number": edition.number}
    return {
        "users": {
            "public": None,
            "exhibitor": exhibitor,
            "buyer": buyer,
            "reviewer": reviewer,
            "juror": juror,
            "organiser": organiser,
            "other_organiser": other_organiser,
        },
        "kwargs": {
            "fairs:series": {"series": series.slug},
            "fairs:edition-create": {"series": series.slug},
            "fairs:team": {"series": series.slug},
            "fairs:role-remove": {"series": series.slug, "pk": 1},
            "registry:export": {"fmt": "csv"},
            "core:person-export": {"pk": exhibitor.pk},
            "fairs:partner-remove": {
                "series": series.slug,
                "number": edition.number,
                "pk": partner.pk,
            },
            "site:exhibitor": site,
            "site:exhibitor-qr": site,
            "catalogue:product": {"slug": product.slug},
            "catalogue:product-qr": {"slug": product.slug},
            "catalogue:my-products": {"organisation": cooperative.slug},
            "catalogue:product-create": {"organisation": cooperative.slug},
            "catalogue:product-import": {"organisation": cooperative.slug},
            "catalogue:product-export": {"organisation": cooperative.slug},
            "sitemap-section": {"section": "products"},
            "turnover:ledger": site,
            "turnover:close": site,
            "turnover:devices": site,
            "turnover:revoke-device": {**site, "pk": 1},
            "b2b:ask": {**edition_args, "pk": 1},
            "b2b:answer": {**edition_args, "pk": 1},
            "programme:certificate-correct": {**edition_args, "pk": 1},
            "programme:certificate-revoke": {**edition_args, "pk": 1},
            "programme:certificate-send": {**edition_args, "pk": 1},
            "programme:door-phone-revoke": {**edition_args, "pk": 1},
            "visitors:review-conflict": {**edition_args, "pk": 1},
            "visitors:revoke-device": {**edition_args, "pk": 1},
            "visitors:revoke-ticket": {**edition_args, "pk": 1},
            "awards:compute": {**edition_args, "pk": 1},
            "awards:lock": {**edition_args, "pk": 1},
            "awards:publish": {**edition_args, "pk": 1},
            "awards:conflict": {**edition_args, "pk": 1, "exhibitor": 1},
            "observatory:dataset": {"name": "editions", "extension": "csv"},
            "reports:export": {**edition_args, "fmt": "xlsx"},
            "reports:rows": {**edition_args, "what": "sales"},
        },
        "series": series,
        "edition": edition,
        "cooperative": cooperative,
    }


def kwargs_for(name, world):
    if name in world["kwargs"]:
        return world["kwargs"][name]
    edition, cooperative = world["edition"], world["cooperative"]
    guesses = [
        {},
        {"series": edition.series.slug, "number": edition.number},
        {"slug": cooperative.slug},
        {"pk": 1},
    ]
    for kwargs in guesses:
        try:
            reverse(name, kwargs=kwargs)
            return kwargs
        except Exception:  # noqa: S112  (try the next shape of arguments)
            continue
    raise AssertionError(f"no arguments known for {name}")


def expected(name, role):
    """The status codes a role may get on GET; anything else fails."""
    if name == "core:logout":
        return {405}  # logging out is a POST
    if name in OPEN:
        return {200, 302}
    if name.startswith("admin:"):
        return {200, 302} if role == "public" else {200, 302, 403, 404}
    if role == "public":
        return {302}  # to the login page
    if name in LOGGED_IN:
        return {200}
    if name in REVIEWERS:
        return {200} if role == "reviewer" else {403}
    if name in ORGANISERS:
        return {200} if role in {"organiser", "other_organiser"} else {403}
    if name in ORGANISER_ONLY:
        return {200} if role == "organiser" else {403}
    if name in ORGANISER_JOBS:
        return {302} if role == "organiser" else {403}
    if name in OWN_ORGANISATION:
        return {200} if role in {"organiser", "exhibitor"} else {404}
    if name in MEMBERS_ONLY:
        return {200} if role == "exhibitor" else {404}
    if name in B2B_PARTICIPANTS:
        return {200} if role in {"exhibitor", "buyer"} else {404}
    if name in B2B_HOME:
        return {200} if role in {"exhibitor", "buyer", "organiser"} else {404}
    if name in JURY_HOME:
        return {200} if role in {"juror", "organiser"} else {403}
    if name in POST_ONLY:
        return {405}
    raise AssertionError(f"{name}: say who may open it")


def test_every_page_answers_each_role_as_specified(world):
    names = sorted(n for n in set(all_names()) if not n.startswith("api:"))
    decided = REVIEWERS | (
        OPEN
        | LOGGED_IN
        | ORGANISERS
        | ORGANISER_ONLY
        | ORGANISER_JOBS
        | OWN_ORGANISATION
        | MEMBERS_ONLY
        | B2B_PARTICIPANTS
        | B2B_HOME
        | JURY_HOME
        | POST_ONLY
        | SPECIAL
    )
    unknown = [n for n in names if not n.startswith("admin:") and n not in decided]
    assert not unknown, f"pages nobody decided about: {unknown}"
    failures = []
    for role in ROLES:
        client = client_for(world["users"][role])
        for name in names:
            if name in SPECIAL or name.startswith("admin:"):
                continue
            with translation.override("fr"):
                url = reverse(name, kwargs=kwargs_for(name, world))
            status = client.get(url).status_code
            if status not in expected(name, role):
                failures.append(f"{role} GET {url} → {status}")
    assert not failures, "\n".join(failures)


def test_exports_only_hold_what_the_role_may_see(world, other_cooperative):
    for role, sees_own, sees_other in [
        ("exhibitor", True, False),
        ("organiser", True, False),
        ("other_organiser", False, True),
        ("buyer", False, False),
    ]:
        client = client_for(world["users"][role])
        body = client.get(reverse("registry:export", kwargs={"fmt": "csv"})).content.decode(
            "utf-8-sig"
        )
        assert (world["cooperative"].name_fr in body) is sees_own, role
        assert (other_cooperative.name_fr in body) is sees_other, role


def test_an_exhibitor_cannot_post_to_another_organisation(world, other_cooperative):
    exhibitor = world["users"]["exhibitor"]
    client = client_for(exhibitor)
    url = reverse("registry:edit", args=[other_cooperative.slug])
    assert client.post(url, {"name_fr": "Pris"}).status_code == 404
    other_cooperative.refresh_from_db()
    assert other_cooperative.name_fr == "Coopérative Nour"
    invite = reverse("registry:invite", args=[other_cooperative.slug])
    assert client.post(invite, {"contact": "x@example.ma"}).status_code == 404


def test_organisers_cannot_touch_another_regions_fair(world):
    client = client_for(world["users"]["other_organiser"])
    edition = world["edition"]
    response = client.post(
        reverse("fairs:edition-status", args=[edition.series.slug, edition.number]),
        {"status": "closed"},
    )
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.status == "running"


def test_membership_requests_are_decided_by_admins_and_organisers_only(world, buyer):
    membership = Membership.objects.create(user=buyer, organisation=world["cooperative"])
    url = reverse("registry:decide", args=[membership.pk])
    assert (
        client_for(world["users"]["other_organiser"]).post(url, {"accept": "1"}).status_code == 404
    )
    assert client_for(world["users"]["exhibitor"]).post(url, {"accept": "1"}).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE


# --- the API --------------------------------------------------------------------------------


def api_client(user):
    client = Client()
    if user is None:
        return client, {}
    _token, raw = ApiToken.issue(user, "test")
    return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def api_paths(world):
    schema = Client().get("/api/openapi.json").json()
    values = {
        "slug": world["cooperative"].slug,
        "series": world["series"].slug,
        "number": str(world["edition"].number),
        # Ids of rows the walk does not create: every role gets a 404, never a 500.
        "application": "1",
        "product": "1",
        "document": "1",
        "review": "1",
        "uuid": "6f1c1f5e-2f4a-4c1e-9f55-0c6a4f6c9d10",
        "key": "not-a-receipt",
        "exhibitor_id": "1",
        "day": "2024-06-05",
        "meeting_id": "1",
        "booth_id": "1",
        "pk": "1",
        "code": "not-a-code",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            url = path
            for key, value in values.items():
                url = url.replace("{" + key + "}", value)
            assert "{" not in url, f"no value for a parameter of {path}"
            yield method.upper(), url, "requestBody" in operation


def test_the_api_never_answers_500_and_refuses_strangers(world):
    failures = []
    for role in ROLES:
        client, headers = api_client(world["users"][role])
        for method, url, takes_body in api_paths(world):
            response = client.generic(
                method,
                url,
                data=json.dumps({"bogus": True}),
                content_type="application/json",
                **headers,
            )
            if response.status_code >= 500:
                failures.append(f"{role} {method} {url} → {response.status_code}")
            if takes_body and response.status_code < 300:
                failures.append(f"{role} {method} {url} accepted a bogus body")
    assert not failures, "\n".join(failures)


def test_api_organisation_read_and_write_follow_the_roles(world, other_cooperative):
    own = f"/api/v1/registry/organisations/{world['cooperative'].slug}"
    other = f"/api/v1/registry/organisations/{other_cooperative.slug}"
    client, headers = api_client(world["users"]["exhibitor"])
    assert client.get(own, **headers).status_code == 200
    assert client.get(other, **headers).status_code == 404
    listed = client.get("/api/v1/registry/organisations", **headers).json()
    assert [o["slug"] for o in listed["items"]] == [world["cooperative"].slug]
    client, headers = api_client(None)
    assert client.get(own).status_code == 401


def test_api_an_organiser_creates_an_organisation_in_their_series_only(world):
    body = {
        "kind": "cooperative",
        "name_fr": "Coopérative Tilila",
        "province": "01.571",
        "sector": "terroir",
        "series": world["series"].slug,
        "phone": "0661234567",
    }
    client, headers = api_client(world["users"]["organiser"])
    response = client.post(
        "/api/v1/registry/organisations",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    assert response.json()["province"] == "01.571"
    client, headers = api_client(world["users"]["other_organiser"])
    response = client.post(
        "/api/v1/registry/organisations",
        json.dumps({**body, "name_fr": "Autre"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403


def test_api_validation_errors_are_422_with_field_messages(world):
    client, headers = api_client(world["users"]["organiser"])
    body = {
        "kind": "company",
        "name_fr": "Sans ICE",
        "province": "01.571",
        "sector": "services",
        "series": world["series"].slug,
        "phone": "12",
    }
    response = client.post(
        "/api/v1/registry/organisations",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "phone" in detail and "ice" in detail
