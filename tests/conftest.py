"""Shared fixtures: a region's fair series with an edition, and one user per role."""

import datetime
import os

import pytest
from django.test import Client

from maarid.core.access import Role
from maarid.core.models import ApiToken, User
from maarid.fairs.models import Edition, Series, SeriesRole
from maarid.registry.models import Kind, Membership, Organisation, Sector

PASSWORD = "fair-2024-Tetouan"


def pytest_configure(config):
    """``MAARID_TEST_CLOCK=HH:MM`` runs the whole suite with the clock set to that time (UTC)
    of today and ticking on from there: CI runs it once at 23:30 UTC, when it is already
    tomorrow in Tétouan, so that no test depends on the hour it runs at."""
    clock = os.environ.get("MAARID_TEST_CLOCK")
    if clock:
        import time_machine

        at = datetime.datetime.combine(
            datetime.datetime.now(datetime.UTC).date(),
            datetime.time.fromisoformat(clock),
            tzinfo=datetime.UTC,
        )
        config._maarid_clock = time_machine.travel(at, tick=True)
        config._maarid_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_maarid_clock", None)
    if clock is not None:
        clock.stop()


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    from django.utils import translation

    # Every test starts in the default language: a request to an /ar/ page activates Arabic
    # for the rest of the thread, which made tests depend on the order they run in.
    translation.activate(settings.LANGUAGE_CODE)
    if not request.node.get_closest_marker("redis"):  # the Redis tests use the real queue
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
    settings.MAARID_SMS_BACKEND = "maarid.core.messaging.LocmemSMSBackend"
    # A fast hasher: the real one is slow on purpose, and tests make many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from maarid.core.messaging import LocmemSMSBackend

    LocmemSMSBackend.outbox = []
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        from django.core.cache import cache

        cache.clear()


def make_user(username, **extra):
    user = User(username=username, email=f"{username}@example.ma", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def ensure_places():
    """Places, categories and labels come from data migrations, but transactional tests flush
    them: reload."""
    from maarid.catalogue.models import Category, Label
    from maarid.catalogue.taxonomy import load as load_taxonomy
    from maarid.registry.models import Region
    from maarid.registry.places import load_places

    if not Region.objects.exists():
        load_places()
    if not Category.objects.exists():
        load_taxonomy(Category, Label)


def make_organisation(**fields):
    ensure_places()
    defaults = {
        "kind": Kind.COOPERATIVE,
        "name_fr": "Coopérative Al Amal",
        "name_ar": "تعاونية الأمل",
        "province_id": "01.571",
        "sector": Sector.TERROIR,
    }
    defaults.update(fields)
    organisation = Organisation(**defaults)
    organisation.full_clean()
    organisation.save()
    return organisation


@pytest.fixture
def series(db):
    ensure_places()
    return Series.objects.create(
        slug="ess-tta",
        name_fr="Salon régional de l'ESS TTA",
        name_ar="المعرض الجهوي للاقتصاد الاجتماعي والتضامني",
        region_id="01",
    )


@pytest.fixture
def other_series(db):
    ensure_places()
    return Series.objects.create(
        slug="ess-oriental",
        name_fr="Salon de l'ESS de l'Oriental",
        name_ar="معرض الشرق",
        region_id="02",
    )


@pytest.fixture
def edition(series):
    return Edition.objects.create(
        series=series,
        number=3,
        name_fr="3e Salon régional de l'ESS",
        name_ar="المعرض الجهوي الثالث",
        city_id=_tetouan_code(),
        venue_fr="Place de la Wilaya",
        area_m2=5000,
        starts_on=datetime.date(2024, 5, 31),
        ends_on=datetime.date(2024, 6, 9),
        status=Edition.Status.RUNNING,
    )


def _tetouan_code():
    from maarid.registry.models import Commune

    return Commune.objects.filter(name_fr="Tétouan").values_list("code", flat=True).first()


@pytest.fixture
def cooperative(series):
    organisation = make_organisation()
    series.organisations.add(organisation)
    return organisation


@pytest.fixture
def other_cooperative(other_series):
    organisation = make_organisation(
        name_fr="Coopérative Nour", name_ar="تعاونية النور", province_id="02.411"
    )
    other_series.organisations.add(organisation)
    return organisation


def with_role(user, series, role):
    SeriesRole.objects.create(user=user, series=series, role=role)
    return user


@pytest.fixture
def organiser(series):
    return with_role(make_user("organiser"), series, Role.ORGANISER)


@pytest.fixture
def other_organiser(other_series):
    return with_role(make_user("organiser2"), other_series, Role.ORGANISER)


@pytest.fixture
def reviewer(series):
    return with_role(make_user("reviewer"), series, Role.REVIEWER)


@pytest.fixture
def juror(series):
    return with_role(make_user("juror"), series, Role.JUROR)


@pytest.fixture
def exhibitor(cooperative):
    user = make_user("exhibitor")
    Membership.objects.create(
        user=user, organisation=cooperative, is_admin=True, status=Membership.Status.ACTIVE
    )
    return user


@pytest.fixture
def buyer(series):
    user = make_user("buyer")
    company = make_organisation(
        kind=Kind.COMPANY,
        name_fr="Distribution Nord SARL",
        name_ar="شركة التوزيع",
        ice="001234567000089",
        sector=Sector.DISTRIBUTION,
    )
    Membership.objects.create(user=user, organisation=company, status=Membership.Status.ACTIVE)
    return user


def api_client(user, **headers):
    """A client that sends a person's API token (a new one) with every request."""
    _token, raw = ApiToken.issue(user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}", **headers})


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
