"""Loads the demo: the reference fair, the regional SSE fair of Tanger-Tétouan-Al Hoceima, its
three editions, partners, about 300 organisations, one account per role (three reviewers), the
3rd edition's call for exhibitors with its 165 exhibitors (exhibitors.py), and their catalogue:
about 1,500 products with prices, stock and generated photos (catalogue.py).

Two rules shape this module:

- Deterministic. Every name, number and date comes from ``random.Random(2024)`` and the fixed
  content of ``data/`` (read by content.py), never from the clock, so two databases loaded a
  month apart hold the same demo and screenshots, tests and bug reports agree.
- Idempotent. Rows are found by natural keys (series and organisation slugs, edition numbers,
  usernames), so loading again refreshes the demo instead of duplicating it. Generation does not
  look at the database, which is what makes the slugs, and so the keys, stable.

The demo is meant for a database of its own: an organisation created by hand whose slug happens to
match a demo one is overwritten by the demo's content.
"""

import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from maarid.core.access import Role
from maarid.core.models import User
from maarid.fairs.models import (
    Edition,
    OpeningHours,
    Partner,
    Series,
    SeriesOrganisation,
    SeriesRole,
)
from maarid.registry.models import Commune, Kind, Membership, Organisation, Province
from maarid.registry.models import search_text as organisation_search_text

from . import (
    awards,
    b2b,
    catalogue,
    content,
    exhibitors,
    floorplan,
    history,
    programme,
    sales,
    visitors,
)

SEED = 2024
REGION = "01"
# How many organisations are drawn at random, besides the hand-written ones.
APPLICANTS = 240  # cooperatives, associations, GIE and artisans of the region
COMPANIES = 31  # + the buyer account's company = 32 companies
PLATFORMS = 8
APPLICANT_KINDS = {Kind.COOPERATIVE: 70, Kind.ASSOCIATION: 12, Kind.GIE: 5, Kind.ARTISAN: 13}

# Organisation fields a new load refreshes: all but the key (``slug``) and ``id``.
FIELDS = [f.name for f in Organisation._meta.concrete_fields if f.name not in ("id", "slug")]


@dataclass
class DemoSummary:
    series: Series
    reference_edition: Edition
    organisations: dict[str, Organisation]  # the hand-written ones, by key
    organisation_count: int


def load_demo() -> DemoSummary:
    """Creates the demo, or brings an existing demo back to its initial state."""
    with transaction.atomic():
        places = Places.from_database()
        series = load_series()
        specs = Generator(places, random.Random(SEED)).organisations()
        organisations = save_organisations(specs)
        add_to_registry(series, organisations.values())
        editions = load_editions(series)
        keyed = {spec["key"]: organisations[spec["slug"]] for spec in specs if spec.get("key")}
        load_partners(editions, keyed)
        load_accounts(series, keyed)
        exhibitors.load(editions, organisations, keyed)
        catalogue.load(editions[content.REFERENCE_EDITION])
        sales.load(editions[content.REFERENCE_EDITION], keyed)
        floorplan.load(editions[content.REFERENCE_EDITION], keyed)
        b2b.load(editions[content.REFERENCE_EDITION])
        programme.load(editions[content.REFERENCE_EDITION], keyed)
        visitors.load(editions[content.REFERENCE_EDITION])
        awards.load(editions[content.REFERENCE_EDITION], keyed)
        history.load(editions)
    return DemoSummary(
        series=series,
        reference_edition=editions[content.REFERENCE_EDITION],
        organisations=keyed,
        organisation_count=len(organisations),
    )


# --- Places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    province_id: str
    commune_id: str
    name_fr: str
    name_ar: str
    is_urban: bool
    population: int


@dataclass
class Places:
    """The region's provinces (weighted by population) and communes, read once."""

    provinces: list[tuple[str, int]]  # (code, population)
    communes: dict[str, list[Place]]  # province code -> its communes
    by_code: dict[str, Place]

    @classmethod
    def from_database(cls) -> "Places":
        provinces = list(
            Province.objects.filter(region_id=REGION)
            .order_by("code")
            .values_list("code", "population")
        )
        if not provinces:
            raise RuntimeError("The places of Morocco are missing: run `maarid migrate` first.")
        by_code: dict[str, Place] = {}
        communes: dict[str, list[Place]] = {}
        for c in Commune.objects.order_by("code"):
            place = Place(c.province_id, c.code, c.name_fr, c.name_ar, c.is_urban, c.population)
            by_code[c.code] = place
            communes.setdefault(c.province_id, []).append(place)
        return cls(provinces, communes, by_code)

    def draw(self, rng: random.Random, urban: bool = False) -> Place:
        """A commune of the region: provinces weighted by population, then communes weighted by
        the square root of theirs, so that rural communes, where most cooperatives are, are not
        drowned by the cities. Companies ask for an urban commune."""

        def fits(commune):
            return commune.is_urban or not urban

        provinces = [p for p in self.provinces if any(map(fits, self.communes[p[0]]))]
        codes, populations = zip(*provinces, strict=True)
        province = rng.choices(codes, weights=populations)[0]
        communes = [c for c in self.communes[province] if fits(c)]
        return rng.choices(communes, weights=[math.sqrt(c.population) for c in communes])[0]


# --- Generating organisations ------------------------------------------------------------------


class Generator:
    """Draws the demo's organisations as plain dicts of Organisation fields (plus a ``key`` for
    those other parts of the demo refer to). Touches no database."""

    def __init__(self, places: Places, rng: random.Random):
        self.places = places
        self.rng = rng
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.registration_numbers: set[str] = {"12/1955"}  # the oldest cooperative's
        self.ices: set[str] = set()

    def organisations(self) -> list[dict]:
        # Hand-written organisations come first so that they keep the plain slug of their name.
        specs = [self.institution(*row) for row in content.INSTITUTIONS]
        specs += [self.special(row) for row in content.SPECIAL_ORGANISATIONS]
        specs += [self.other_region(*row) for row in content.OTHER_REGIONS]
        kinds, weights = zip(*APPLICANT_KINDS.items(), strict=True)
        for _ in range(APPLICANTS):
            kind = self.rng.choices(kinds, weights=weights)[0]
            place = self.places.draw(self.rng)
            specs.append(
                self.artisan(place) if kind == Kind.ARTISAN else self.applicant(kind, place)
            )
        specs += [self.company(self.places.draw(self.rng, urban=True)) for _ in range(COMPANIES)]
        specs += [self.platform(self.places.draw(self.rng, urban=True)) for _ in range(PLATFORMS)]
        for spec in specs:
            spec["slug"] = self.slug(spec["name_fr"], spec["kind"])
            spec["search_text"] = search_text(spec)
        return specs

    # The kinds of organisation.

    def applicant(
        self, kind: str, place: Place, activity: str | None = None, women_led: bool | None = None
    ) -> dict:
        """A cooperative, association or GIE of the given place."""
        activity = activity or self.activity()
        share = content.ACTIVITIES[activity].women_share
        if women_led is None:
            women_led = self.rng.random() < share
        name_fr, name_ar = self.unique(
            lambda: self.applicant_name(kind, activity, place, women_led)
        )
        first_years: dict[str, int] = {
            Kind.COOPERATIVE: 1960,
            Kind.ASSOCIATION: 1990,
            Kind.GIE: 2005,
        }
        first_year = first_years[kind]
        spec = self.base(kind, place, content.ACTIVITIES[activity].sector, name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(first_year),
            women_led=women_led,
            eco_friendly=activity == "recycled",
            contact_name=self.person(women=women_led or self.rng.random() < share)[0],
            **self.members(kind, women_led, share),
        )
        if kind == Kind.COOPERATIVE:
            spec["registration_number"] = self.registration_number(spec["founded_on"].year)
        describe_applicant(spec, activity, place)
        return spec

    def artisan(self, place: Place, craft: str | None = None, woman: bool | None = None) -> dict:
        craft = craft or self.rng.choice(sorted(k for k, c in content.CRAFTS.items() if c.drawn))
        about = content.CRAFTS[craft]
        if woman is None:
            woman = self.rng.random() < (0.8 if about.by_women else 0.15)

        def name():
            _, (first_fr, last_fr), (first_ar, last_ar) = self.person(woman)
            return (
                f"{first_fr} {last_fr} ({about.name_fr})",
                f"{first_ar} {last_ar} ({about.name_ar})",
            )

        name_fr, name_ar = self.unique(name)
        spec = self.base(Kind.ARTISAN, place, about.sector, name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(1965),  # the year they set up on their own
            women_led=woman,
            craft_at_risk=about.at_risk,
            contact_name=name_fr.split(" (")[0],
            members_women=int(woman),
            members_men=int(not woman),
        )
        describe_artisan(spec, craft, place)
        return spec

    def company(self, place: Place) -> dict:
        def name():
            word_fr, word_ar = self.rng.choice(content.COMPANY_WORDS)
            what_fr, what_ar, sector, form_fr, form_ar = self.rng.choice(content.COMPANY_ACTIVITIES)
            return f"{word_fr} {what_fr} {form_fr}", f"شركة {word_ar} {what_ar} {form_ar}", sector

        name_fr, name_ar, sector = self.unique(name)
        return self.buyer(Kind.COMPANY, place, sector, name_fr, name_ar)

    def platform(self, place: Place) -> dict:
        def name():
            word_fr, word_ar = self.rng.choice(content.COMPANY_WORDS)
            return content.PLATFORM_FR.format(word_fr), content.PLATFORM_AR.format(word_ar)

        name_fr, name_ar = self.unique(name)
        spec = self.buyer(Kind.PLATFORM, place, "distribution", name_fr, name_ar)
        spec["website"] = f"https://{slugify(name_fr)}.{content.EMAIL_DOMAIN}/"
        return spec

    def buyer(self, kind: str, place: Place, sector: str, name_fr: str, name_ar: str) -> dict:
        platform = kind == Kind.PLATFORM
        spec = self.base(kind, place, sector, name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(1995),
            ice=self.ice(),
            contact_name=self.person(women=self.rng.random() < 0.4)[0],
            email=f"contact@{slugify(name_fr)}.{content.EMAIL_DOMAIN}",
            contact_public=True,
            description_fr=(
                f"{'Plateforme de vente en ligne' if platform else 'Entreprise'} basée à "
                f"{place.name_fr}, à la recherche de fournisseurs de produits du terroir et "
                "d'artisanat."
            ),
            description_ar=(
                f"{'منصة للبيع عبر الإنترنت' if platform else 'شركة'} مقرها ب{place.name_ar}، "
                "تبحث عن موردين للمنتوجات المجالية والصناعة التقليدية."
            ),
        )
        return spec

    def institution(self, key, name_fr, name_ar, commune, about_fr, about_ar) -> dict:
        spec = self.base(Kind.INSTITUTION, self.places.by_code[commune], "public", name_fr, name_ar)
        spec.update(
            key=f"institution:{key}",
            description_fr=about_fr,
            description_ar=about_ar,
            contact_public=True,
        )
        self.names.add(name_fr)
        return spec

    def special(self, row: dict) -> dict:
        """A hand-written organisation: drawn like any other of its kind, then overridden."""
        row = dict(row)
        key, kind = row.pop("key"), row.pop("kind")
        place = self.places.by_code[row.pop("commune_id")]
        activity, craft = row.pop("activity", None), row.pop("craft", None)
        if "members" in row:
            row["members_women"], row["members_men"] = row.pop("members")
        if kind == Kind.ARTISAN:
            spec = self.artisan(place, craft, row.get("women_led"))
        elif kind == Kind.COMPANY:
            spec = self.buyer(kind, place, "distribution", row["name_fr"], row["name_ar"])
        else:
            spec = self.applicant(kind, place, activity, row.get("women_led", False))
        spec.update(row, key=key)
        self.names.add(spec["name_fr"])
        # The descriptions give the founding year and the members: write them again.
        if kind == Kind.ARTISAN:
            spec["contact_name"] = spec["name_fr"].split(" (")[0]
            describe_artisan(spec, craft, place)
        elif kind != Kind.COMPANY:
            describe_applicant(spec, activity, place)
        return spec

    def other_region(self, key, kind, activity, name_fr, name_ar, commune, women_led) -> dict:
        spec = self.applicant(kind, self.places.by_code[commune], activity, women_led)
        spec.update(key=key, name_fr=name_fr, name_ar=name_ar)
        self.names.add(name_fr)
        return spec

    # Parts.

    def base(self, kind, place: Place, sector, name_fr, name_ar) -> dict:
        """The fields every organisation has, with the model's defaults."""
        return {
            "kind": str(kind),
            "name_fr": name_fr,
            "name_ar": name_ar,
            "sector": sector,
            "province_id": place.province_id,
            "commune_id": place.commune_id,
            "description_fr": "",
            "description_ar": "",
            "registration_number": "",
            "ice": "",
            "founded_on": None,
            "members_women": 0,
            "members_men": 0,
            "women_led": False,
            "eco_friendly": False,
            "craft_at_risk": False,
            "contact_name": "",
            "phone": self.phone(),
            "email": "",
            "website": "",
            "address": self.address(place),
            "contact_public": self.rng.random() < 0.6,
        }

    def activity(self) -> str:
        drawn = {key: a.weight for key, a in content.ACTIVITIES.items() if a.weight}
        return self.rng.choices(list(drawn), weights=list(drawn.values()))[0]

    def applicant_name(self, kind, activity, place: Place, women_led) -> tuple[str, str]:
        about = content.ACTIVITIES[activity]
        womanly_word = women_led and self.rng.random() < 0.6
        if womanly_word:
            word_fr, word_ar = self.rng.choice(content.WOMEN_NAME_WORDS)
        elif self.rng.random() < 0.45:  # many cooperatives take their commune's name
            word_fr, word_ar = place.name_fr, place.name_ar
        else:
            word_fr, word_ar = self.rng.choice(content.NAME_WORDS)
        # "féminine" / "النسائية", unless the name already says so ("Nisae …", "Fatima Zahra").
        fem_fr = " féminine" if women_led and not womanly_word else ""
        fem_ar = " النسائية" if women_led and not womanly_word else ""
        if kind == Kind.COOPERATIVE:
            return (
                f"Coopérative{fem_fr} {word_fr} {about.coop_fr}",
                f"تعاونية {word_ar}{fem_ar} {about.coop_ar}",
            )
        if kind == Kind.GIE:
            return (
                f"GIE {word_fr} pour la commercialisation {about.promo_fr}",
                f"المجموعة ذات النفع الاقتصادي {word_ar} لتسويق {about.noun_ar}",
            )
        return (
            f"Association{fem_fr} {word_fr} pour la promotion {about.promo_fr}",
            f"جمعية {word_ar}{fem_ar} للنهوض ب{about.noun_ar}",
        )

    def unique(self, make) -> tuple:
        """Calls ``make`` until the French name it returns first is new (the slug comes
        from it); returns what ``make`` returned."""
        for _ in range(100):
            drawn = make()
            if drawn[0] not in self.names:
                self.names.add(drawn[0])
                return drawn
        raise RuntimeError("The demo's word lists are too short for this many organisations.")

    def person(self, women: bool) -> tuple[str, tuple, tuple]:
        """A person's full name in French, and (first, last) in French and in Arabic."""
        first = self.rng.choice(content.FIRST_NAMES_WOMEN if women else content.FIRST_NAMES_MEN)
        last = self.rng.choice(content.LAST_NAMES)
        return f"{first[0]} {last[0]}", (first[0], last[0]), (first[1], last[1])

    def members(self, kind, women_led: bool, share: float) -> dict:
        """Members by sex. The law asks five members at least for a cooperative; the region's
        average is about thirteen (65,000 members in 5,000 cooperatives)."""
        if kind == Kind.COOPERATIVE:
            total = self.rng.choice(
                [self.rng.randint(5, 12), self.rng.randint(8, 25), self.rng.randint(20, 60)]
            )
        elif kind == Kind.ASSOCIATION:
            total = self.rng.randint(12, 150)
        else:  # a GIE groups a few producers
            total = self.rng.randint(3, 15)
        if women_led:
            men = self.rng.randint(0, total // 6)  # mostly, not only, women
        else:
            men = total - round(total * self.rng.uniform(0, min(share + 0.1, 0.45)))
        return {"members_women": total - men, "members_men": men}

    def founding_date(self, first_year: int) -> datetime.date:
        """Most organisations date from after the INDH (2005) and the 2014 law on cooperatives;
        a few are much older."""
        years = list(range(first_year, 2024))
        weights = [1 if y < 2005 else 3 if y < 2014 else 6 for y in years]
        year = self.rng.choices(years, weights=weights)[0]
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def registration_number(self, year: int) -> str:
        """A serial, a slash and the year: a form the model's validator accepts."""
        while True:
            number = f"{self.rng.randint(1, 9999)}/{year}"
            if number not in self.registration_numbers:
                self.registration_numbers.add(number)
                return number

    def ice(self) -> str:
        """15 digits: 9 for the company, 4 for the establishment (0000: the head office) and a
        2-digit key, computed here mod 97 (the real key's formula is not published)."""
        while True:
            head = f"{self.rng.randint(1_000_000, 3_999_999):09d}0000"
            ice = f"{head}{int(head) % 97:02d}"
            if ice not in self.ices:
                self.ices.add(ice)
                return ice

    def phone(self) -> str:
        prefix = self.rng.choice(content.MOBILE_PREFIXES)
        return f"+212{prefix}{self.rng.randint(0, 9_999_999):07d}"

    def address(self, place: Place) -> str:
        if place.is_urban:
            number, street = self.rng.randint(1, 180), self.rng.choice(content.STREETS)
            return f"{number}, {street}, {place.name_fr}"
        return f"Douar {self.rng.choice(content.DOUARS)}, {place.name_fr}"

    def slug(self, name_fr: str, kind: str) -> str:
        """The slug Organisation.save would give (registry.models.unique_slug), made unique
        among the demo's own organisations only, so that it is the same on every load."""
        base = slugify(name_fr)[:60] or kind
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug


def describe_applicant(spec: dict, activity: str, place: Place):
    """Two sentences in each language: who they are, and what they make."""
    kind, year, women = spec["kind"], spec["founded_on"].year, spec["women_led"]
    members = spec["members_women"] + spec["members_men"]
    about = content.ACTIVITIES[activity]
    what_fr, what_ar = {
        Kind.COOPERATIVE: ("Coopérative", "تعاونية"),
        Kind.ASSOCIATION: ("Association", "جمعية"),
        Kind.GIE: ("Groupement d'intérêt économique", "مجموعة ذات نفع اقتصادي"),
    }[kind]
    if women and kind != Kind.GIE:
        what_fr, what_ar = f"{what_fr} féminine", f"{what_ar} نسائية"
    spec["description_fr"] = (
        f"{what_fr} fondée en {year} à {place.name_fr}, qui réunit {members} "
        f"{'adhérentes' if women else 'adhérents'}. Produits : {about.products_fr}."
    )
    spec["description_ar"] = (
        f"{what_ar} تأسست سنة {year} ب{place.name_ar}، تضم {members} "
        f"{'منخرطة' if women else 'منخرطا'}. المنتوجات: {about.products_ar}."
    )


def describe_artisan(spec: dict, craft: str, place: Place):
    about = content.CRAFTS[craft]
    woman, year = spec["women_led"], spec["founded_on"].year
    spec["description_fr"] = (
        f"{'Artisane' if woman else 'Artisan'} en {about.name_fr} à {place.name_fr} depuis {year}."
    )
    spec["description_ar"] = (
        f"{'صانعة تقليدية' if woman else 'صانع تقليدي'} في {about.name_ar} ب{place.name_ar} "
        f"منذ سنة {year}."
    )
    if about.at_risk:
        spec["description_fr"] += (
            " Un métier menacé de disparition, transmis de génération en génération."
        )
        spec["description_ar"] += " حرفة مهددة بالانقراض متوارثة جيلا بعد جيل."


def search_text(spec: dict) -> str:
    """The search text Organisation.save would compute."""
    fields = ("name_ar", "name_fr", "registration_number", "ice")
    return organisation_search_text(Organisation(**{name: spec[name] for name in fields}))


# --- Writing -----------------------------------------------------------------------------------


def save_organisations(specs: list[dict]) -> dict[str, Organisation]:
    """Inserts or refreshes the organisations in a few queries; returns them by slug."""
    rows = [
        Organisation(created_at=content.CREATED_AT, **{k: v for k, v in spec.items() if k != "key"})
        for spec in specs
    ]
    Organisation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=FIELDS,
        batch_size=200,
    )
    return Organisation.objects.in_bulk([spec["slug"] for spec in specs], field_name="slug")


def add_to_registry(series: Series, organisations):
    SeriesOrganisation.objects.bulk_create(
        [
            SeriesOrganisation(series=series, organisation=o, added_at=content.CREATED_AT)
            for o in organisations
        ],
        ignore_conflicts=True,
    )


def load_series() -> Series:
    values = dict(content.SERIES)
    series, _ = Series.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    return series


def load_editions(series: Series) -> dict[int, Edition]:
    editions = {}
    for row in content.EDITIONS:
        values = dict(row)
        number = values.pop("number")
        values.update(
            opens_at=datetime.time(10), closes_at=datetime.time(22), status=Edition.Status.CLOSED
        )
        editions[number], _ = Edition.objects.update_or_create(
            series=series, number=number, defaults=values
        )
    reference = editions[content.REFERENCE_EDITION]
    for day, opens_at, closes_at in content.SPECIAL_HOURS:
        OpeningHours.objects.update_or_create(
            edition=reference,
            day=day,
            defaults={"opens_at": opens_at, "closes_at": closes_at, "closed": False},
        )
    return editions


def load_partners(editions: dict[int, Edition], organisations: dict[str, Organisation]):
    for number, partners in content.PARTNERS.items():
        for order, (key, role) in enumerate(partners, start=1):
            Partner.objects.update_or_create(
                edition=editions[number],
                organisation=organisations[f"institution:{key}"],
                defaults={"role": role, "order": order},
            )


def load_accounts(series: Series, organisations: dict[str, Organisation]):
    """One account per role. Passwords are reset on every load so that the printed ones work."""
    for username, password, role, first_name, last_name, _ in content.DEMO_ACCOUNTS:
        user = save_user(username, password, first_name, last_name, superuser=role == "admin")
        if role in (Role.ORGANISER, Role.REVIEWER, Role.JUROR):
            SeriesRole.objects.get_or_create(user=user, series=series, role=role)
        elif role == Role.EXHIBITOR:
            join(user, organisations["exhibitor-cooperative"], admin=True)
        elif role == Role.BUYER:
            join(user, organisations["buyer-company"], admin=False)


def save_user(username, password, first_name, last_name, superuser=False) -> User:
    user = User.objects.filter(username__iexact=username).first() or User(username=username)
    user.first_name, user.last_name = first_name, last_name
    user.email = f"{username}@{content.EMAIL_DOMAIN}"
    user.is_active = True
    user.is_staff = user.is_superuser = superuser
    user.consent_at = content.CONSENT_AT
    if username == "exhibitor":
        user.phone = content.EXHIBITOR_PHONE
    user.set_password(password)
    user.save()
    return user


def join(user: User, organisation: Organisation, admin: bool):
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "is_admin": admin,
            "status": Membership.Status.ACTIVE,
            "requested_at": content.CONSENT_AT,
            "decided_at": content.CONSENT_AT,
        },
    )
