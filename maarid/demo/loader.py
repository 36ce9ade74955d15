"""Loads the demo: the regional SSE fair of Tanger-Tétouan-Al Hoceima (DESIGN.md, "The reference
fair"), its three editions, partners, about 300 organisations and one account per role.

Two rules shape this module:

- Deterministic. Every name, number and date comes from ``random.Random(2024)`` and the fixed
  data in ``data.py``, never from the clock, so two databases loaded a month apart hold the same
  demo and screenshots, tests and bug reports agree.
- Idempotent. Rows are found by natural keys (series and organisation slugs, edition numbers,
  usernames), so loading again refreshes the demo instead of duplicating it. Generation does not
  look at the database, which is what makes the slugs, and so the keys, stable.

The demo is meant for a database of its own: an organisation created by hand whose slug happens to
match a demo one is overwritten by the demo's content.
"""

import datetime
import math
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from maarid.core.access import Role
from maarid.core.models import User
from maarid.core.text import normalise
from maarid.fairs.models import Edition, OpeningHours, Partner, Series, SeriesOrganisation
from maarid.fairs.models import SeriesRole
from maarid.registry.models import Commune, Kind, Membership, Organisation, Province

from . import data

SEED = 2024
REGION = "01"
# How many organisations are drawn at random, besides the hand-written ones.
APPLICANTS = 240  # cooperatives, associations, GIE and artisans of the region
COMPANIES = 31  # + the buyer account's company = 32 companies
PLATFORMS = 8
APPLICANT_KINDS = {Kind.COOPERATIVE: 70, Kind.ASSOCIATION: 12, Kind.GIE: 5, Kind.ARTISAN: 13}

# Organisation fields the loader writes (everything but the key, ``slug``, and ``id``).
FIELDS = [
    "kind", "name_ar", "name_fr", "description_ar", "description_fr", "registration_number",
    "ice", "founded_on", "province_id", "commune_id", "sector", "members_women", "members_men",
    "women_led", "eco_friendly", "craft_at_risk", "contact_name", "phone", "email", "website",
    "address", "contact_public", "search_text", "created_at", "updated_at",
]


@dataclass
class DemoSummary:
    series: Series
    reference_edition: Edition
    organisations: dict[str, Organisation]  # the hand-written ones, by key
    organisation_count: int
    accounts: list = field(default_factory=lambda: list(data.DEMO_ACCOUNTS))


def load_demo() -> DemoSummary:
    """Creates the demo, or brings an existing demo back to its initial state."""
    with transaction.atomic():
        places = Places.from_database()
        series = load_series()
        specs = Generator(places, random.Random(SEED)).organisations()
        organisations = save_organisations(specs)
        add_to_registry(series, organisations.values())
        editions = load_editions(series)
        load_partners(editions, organisations)
        keyed = {spec["key"]: organisations[spec["slug"]] for spec in specs if spec.get("key")}
        load_accounts(series, keyed)
    return DemoSummary(
        series=series,
        reference_edition=editions[data.REFERENCE_EDITION],
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
            Province.objects.filter(region_id=REGION).order_by("code")
            .values_list("code", "population")
        )
        if not provinces:
            raise RuntimeError("The places of Morocco are missing: run `maarid migrate` first.")
        by_code, communes = {}, {}
        for c in Commune.objects.order_by("code"):
            place = Place(c.province_id, c.code, c.name_fr, c.name_ar, c.is_urban, c.population)
            by_code[c.code] = place
            communes.setdefault(c.province_id, []).append(place)
        return cls(provinces, communes, by_code)

    def draw(self, rng: random.Random) -> Place:
        """A commune of the region: provinces weighted by population, then communes weighted by
        the square root of theirs, so that rural communes, where most cooperatives are, are not
        drowned by the cities."""
        codes, populations = zip(*self.provinces, strict=True)
        province = rng.choices(codes, weights=populations)[0]
        communes = self.communes[province]
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
        specs = [self.institution(*row) for row in data.INSTITUTIONS]
        specs += [self.special(row) for row in data.SPECIAL_ORGANISATIONS]
        specs += [self.other_region(*row) for row in data.OTHER_REGIONS]
        kinds, weights = zip(*APPLICANT_KINDS.items(), strict=True)
        for _ in range(APPLICANTS):
            kind = self.rng.choices(kinds, weights=weights)[0]
            specs.append(self.applicant(kind, self.places.draw(self.rng)))
        specs += [self.company(self.places.draw(self.rng)) for _ in range(COMPANIES)]
        specs += [self.platform(self.places.draw(self.rng)) for _ in range(PLATFORMS)]
        for spec in specs:
            spec["slug"] = self.slug(spec["name_fr"], spec["kind"])
            spec["search_text"] = search_text(spec)
        return specs

    # The kinds of organisation.

    def applicant(self, kind: str, place: Place, activity: str | None = None,
                  women_led: bool | None = None) -> dict:
        """A cooperative, association, GIE or artisan of the given place."""
        if kind == Kind.ARTISAN:
            return self.artisan(place)
        activity = activity or self.activity()
        share = data.ACTIVITIES[activity][7]
        if women_led is None:
            women_led = self.rng.random() < share
        name_fr, name_ar = self.unique(lambda: self.applicant_name(kind, activity, place,
                                                                   women_led))
        first_year = {Kind.COOPERATIVE: 1960, Kind.ASSOCIATION: 1990, Kind.GIE: 2005}[kind]
        spec = self.base(kind, place, data.ACTIVITIES[activity][0], name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(first_year),
            women_led=women_led,
            eco_friendly=activity == "recycled",
            contact_name=self.person(women=women_led or self.rng.random() < share)[0],
        )
        spec.update(self.members(kind, women_led, share))
        if kind == Kind.COOPERATIVE:
            spec["registration_number"] = self.registration_number(spec["founded_on"].year)
        spec["description_fr"], spec["description_ar"] = applicant_description(
            spec, activity, place
        )
        return spec

    def artisan(self, place: Place, craft: str | None = None) -> dict:
        craft = craft or self.rng.choice(sorted(data.CRAFTS))
        craft_fr, craft_ar, sector, at_risk, by_women = data.CRAFTS[craft]
        woman = self.rng.random() < (0.8 if by_women else 0.15)

        def name():
            (first_fr, last_fr), (first_ar, last_ar) = self.person(woman)[1:]
            return f"{first_fr} {last_fr} ({craft_fr})", f"{first_ar} {last_ar} ({craft_ar})"

        name_fr, name_ar = self.unique(name)
        spec = self.base(Kind.ARTISAN, place, sector, name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(1965),
            women_led=woman,
            craft_at_risk=at_risk,
            contact_name=name_fr.split(" (")[0],
            members_women=int(woman),
            members_men=int(not woman),
        )
        spec["description_fr"], spec["description_ar"] = artisan_description(
            spec, craft, place
        )
        return spec

    def company(self, place: Place) -> dict:
        def name():
            word_fr, word_ar = self.rng.choice(data.COMPANY_WORDS)
            activity_fr, activity_ar, _, form_fr, form_ar = self.rng.choice(
                data.COMPANY_ACTIVITIES
            )
            return f"{word_fr} {activity_fr} {form_fr}", f"شركة {word_ar} {activity_ar} {form_ar}"

        name_fr, name_ar = self.unique(name)
        activity = next(a for a in data.COMPANY_ACTIVITIES if name_fr.split(" ", 1)[1]
                        .startswith(a[0]))
        return self.buyer(Kind.COMPANY, place, activity[2], name_fr, name_ar)

    def platform(self, place: Place) -> dict:
        def name():
            word_fr, word_ar = self.rng.choice(data.COMPANY_WORDS)
            return data.PLATFORM_FR.format(word_fr), data.PLATFORM_AR.format(word_ar)

        name_fr, name_ar = self.unique(name)
        spec = self.buyer(Kind.PLATFORM, place, "distribution", name_fr, name_ar)
        spec["website"] = f"https://{slugify(name_fr)}.{data.EMAIL_DOMAIN}/"
        return spec

    def buyer(self, kind: str, place: Place, sector: str, name_fr: str, name_ar: str) -> dict:
        spec = self.base(kind, place, sector, name_fr, name_ar)
        spec.update(
            founded_on=self.founding_date(1995),
            ice=self.ice(),
            contact_name=self.person(women=self.rng.random() < 0.4)[0],
            email=f"contact@{slugify(name_fr)}.{data.EMAIL_DOMAIN}",
            contact_public=True,
            description_fr=(
                f"{'Plateforme de vente en ligne' if kind == Kind.PLATFORM else 'Entreprise'} "
                f"basée à {place.name_fr}, à la recherche de fournisseurs de produits du terroir "
                "et d'artisanat."
            ),
            description_ar=(
                f"{'منصة للبيع عبر الإنترنت' if kind == Kind.PLATFORM else 'شركة'} "
                f"مقرها ب{place.name_ar}، تبحث عن موردين للمنتوجات المجالية والصناعة التقليدية."
            ),
        )
        return spec

    def institution(self, key, name_fr, name_ar, _province, commune, about_fr, about_ar):
        place = self.places.by_code[commune]
        spec = self.base(Kind.INSTITUTION, place, "public", name_fr, name_ar)
        spec.update(key=f"institution:{key}", description_fr=about_fr, description_ar=about_ar,
                    contact_public=True)
        self.names.add(name_fr)
        return spec

    def special(self, row: dict) -> dict:
        """A hand-written organisation: drawn like any other of its kind, then overridden."""
        row = dict(row)
        place = self.places.by_code[row.pop("commune_id")]
        kind, key = row.pop("kind"), row.pop("key")
        if kind == Kind.ARTISAN:
            spec = self.artisan(place, row.pop("craft"))
        elif kind == Kind.COMPANY:
            spec = self.buyer(kind, place, "distribution", row["name_fr"], row["name_ar"])
        else:
            spec = self.applicant(kind, place, row["activity"], row.get("women_led", False))
        row.pop("activity", None)
        if "members" in row:
            row["members_women"], row["members_men"] = row.pop("members")
        if "registration_number" in row:
            self.registration_numbers.discard(spec.get("registration_number"))
        spec.update(row, key=key)
        # Descriptions name the founding year: redo them with the hand-written one.
        self.redescribe(spec, kind, place)
        self.names.add(spec["name_fr"])
        return spec

    def other_region(self, key, kind, activity, name_fr, name_ar, commune, women_led) -> dict:
        place = self.places.by_code[commune]
        spec = self.applicant(kind, place, activity, women_led)
        spec.update(key=key, name_fr=name_fr, name_ar=name_ar)
        self.names.add(name_fr)
        return spec

    def redescribe(self, spec: dict, kind: str, place: Place):
        if kind in (Kind.COMPANY, Kind.PLATFORM, Kind.INSTITUTION):
            return
        if kind == Kind.ARTISAN:
            craft = next(k for k, c in data.CRAFTS.items() if f"({c[0]})" in spec["name_fr"])
            spec["description_fr"], spec["description_ar"] = artisan_description(
                spec, craft, place
            )
        else:
            activity = next(k for k, a in data.ACTIVITIES.items() if a[0] == spec["sector"]
                            and (a[1] in spec["name_fr"] or a[3] in spec["name_fr"]))
            spec["description_fr"], spec["description_ar"] = applicant_description(
                spec, activity, place
            )

    # Parts.

    def base(self, kind, place: Place, sector, name_fr, name_ar) -> dict:
        """The fields every organisation has, with the defaults of the model."""
        return {
            "kind": str(kind), "name_fr": name_fr, "name_ar": name_ar, "sector": sector,
            "province_id": place.province_id, "commune_id": place.commune_id,
            "description_fr": "", "description_ar": "", "registration_number": "", "ice": "",
            "founded_on": None, "members_women": 0, "members_men": 0, "women_led": False,
            "eco_friendly": False, "craft_at_risk": False, "contact_name": "",
            "phone": self.phone(), "email": "", "website": "", "address": self.address(place),
            "contact_public": self.rng.random() < 0.6,
        }

    def activity(self) -> str:
        drawn = {k: a[8] for k, a in data.ACTIVITIES.items() if a[8]}
        return self.rng.choices(list(drawn), weights=list(drawn.values()))[0]

    def applicant_name(self, kind, activity, place: Place, women_led) -> tuple[str, str]:
        _, coop_fr, coop_ar, promo_fr, noun_ar = data.ACTIVITIES[activity][:5]
        womanly_word = women_led and self.rng.random() < 0.6
        if womanly_word:
            word_fr, word_ar = self.rng.choice(data.WOMEN_NAME_WORDS)
        elif self.rng.random() < 0.45:
            word_fr, word_ar = place.name_fr, place.name_ar
        else:
            word_fr, word_ar = self.rng.choice(data.NAME_WORDS)
        # "Féminine" / "النسائية" unless the name already says so ("Nisae …", "Fatima Zahra").
        fem_fr = " féminine" if women_led and not womanly_word else ""
        fem_ar = " النسائية" if women_led and not womanly_word else ""
        if kind == Kind.COOPERATIVE:
            return (f"Coopérative{fem_fr} {word_fr} {coop_fr}",
                    f"تعاونية {word_ar}{fem_ar} {coop_ar}")
        if kind == Kind.GIE:
            return (f"GIE {word_fr} pour la commercialisation {promo_fr}",
                    f"المجموعة ذات النفع الاقتصادي {word_ar} لتسويق {noun_ar}")
        return (f"Association{fem_fr} {word_fr} pour la promotion {promo_fr}",
                f"جمعية {word_ar}{fem_ar} للنهوض ب{noun_ar}")

    def unique(self, make) -> tuple[str, str]:
        """Draws names until the French one is new (the slug comes from it)."""
        for _ in range(100):
            name_fr, name_ar = make()
            if name_fr not in self.names:
                self.names.add(name_fr)
                return name_fr, name_ar
        raise RuntimeError("The demo's word lists are too short for this many organisations.")

    def person(self, women: bool) -> tuple[str, tuple, tuple]:
        """A person's full French name, and (first, last) in French and in Arabic."""
        first = self.rng.choice(data.FIRST_NAMES_WOMEN if women else data.FIRST_NAMES_MEN)
        last = self.rng.choice(data.LAST_NAMES)
        return f"{first[0]} {last[0]}", (first[0], last[0]), (first[1], last[1])

    def members(self, kind, women_led: bool, share: float) -> dict:
        """Members by sex. The law asks five members at least for a cooperative; the region's
        average is about thirteen (65,000 members in 5,000 cooperatives)."""
        if kind == Kind.COOPERATIVE:
            total = self.rng.choice([self.rng.randint(5, 12), self.rng.randint(8, 25),
                                     self.rng.randint(20, 60)])
        elif kind == Kind.ASSOCIATION:
            total = self.rng.randint(12, 150)
        else:  # a GIE groups a few cooperatives' people
            total = self.rng.randint(3, 15)
        if women_led:
            men = self.rng.randint(0, total // 6)  # mostly, not only, women
        else:
            men = total - round(total * self.rng.uniform(0, min(share + 0.1, 0.45)))
        return {"members_women": total - men, "members_men": men}

    def founding_date(self, first_year: int) -> datetime.date:
        """Most of the region's cooperatives date from after the INDH (2005) and the 2014 law on
        cooperatives; a few are much older."""
        years = list(range(first_year, 2024))
        weights = [1 if y < 2005 else 3 if y < 2014 else 6 for y in years]
        year = self.rng.choices(years, weights=weights)[0]
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def registration_number(self, year: int) -> str:
        """Up to 8 digits, a slash and the year: the form of the cooperatives' register."""
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
        prefix = self.rng.choice(data.MOBILE_PREFIXES)
        return f"+212{prefix}{self.rng.randint(0, 9_999_999):07d}"

    def address(self, place: Place) -> str:
        if place.is_urban:
            return f"{self.rng.randint(1, 180)}, {self.rng.choice(data.STREETS)}, {place.name_fr}"
        return f"Douar {self.rng.choice(data.DOUARS)}, commune de {place.name_fr}"

    def slug(self, name_fr: str, kind: str) -> str:
        """The slug Organisation.save would give (see registry.models.unique_slug)."""
        base = slugify(name_fr)[:60] or kind
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug


def applicant_description(spec: dict, activity: str, place: Place) -> tuple[str, str]:
    kind, year = spec["kind"], spec["founded_on"].year
    members = spec["members_women"] + spec["members_men"]
    products_fr, products_ar = data.ACTIVITIES[activity][5:7]
    women = spec["women_led"]
    what_fr = {
        Kind.COOPERATIVE: "Coopérative féminine" if women else "Coopérative",
        Kind.ASSOCIATION: "Association féminine" if women else "Association",
        Kind.GIE: "Groupement d'intérêt économique",
    }[kind]
    what_ar = {
        Kind.COOPERATIVE: "تعاونية نسائية" if women else "تعاونية",
        Kind.ASSOCIATION: "جمعية نسائية" if women else "جمعية",
        Kind.GIE: "مجموعة ذات نفع اقتصادي",
    }[kind]
    fr = (f"{what_fr} fondée en {year} à {place.name_fr}, qui réunit {members} "
          f"{'adhérentes' if women else 'adhérents'}. Produits : {products_fr}.")
    ar = (f"{what_ar} تأسست سنة {year} ب{place.name_ar}، تضم {members} "
          f"{'منخرطة' if women else 'منخرطا'}. المنتوجات: {products_ar}.")
    return fr, ar


def artisan_description(spec: dict, craft: str, place: Place) -> tuple[str, str]:
    craft_fr, craft_ar, _, at_risk, _ = data.CRAFTS[craft]
    woman, year = spec["women_led"], spec["founded_on"].year
    fr = f"{'Artisane' if woman else 'Artisan'} en {craft_fr} à {place.name_fr} depuis {year}."
    ar = (f"{'صانعة تقليدية' if woman else 'صانع تقليدي'} في {craft_ar} ب{place.name_ar} "
          f"منذ سنة {year}.")
    if at_risk:
        fr += " Un métier menacé de disparition, transmis de génération en génération."
        ar += " حرفة مهددة بالانقراض متوارثة جيلا بعد جيل."
    return fr, ar


def search_text(spec: dict) -> str:
    """The search text Organisation.save would compute."""
    parts = [spec["name_ar"], spec["name_fr"], spec["registration_number"], spec["ice"]]
    return normalise(" ".join(filter(None, parts)))


# --- Writing -----------------------------------------------------------------------------------


def save_organisations(specs: list[dict]) -> dict[str, Organisation]:
    """Inserts or refreshes the organisations in a few queries; returns them by slug."""
    rows = []
    for spec in specs:
        values = {name: spec.get(name) for name in FIELDS if name in spec}
        values.update(created_at=data.CREATED_AT, updated_at=data.CREATED_AT)
        rows.append(Organisation(slug=spec["slug"], **values))
    Organisation.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["slug"], update_fields=FIELDS,
        batch_size=200,
    )
    return Organisation.objects.in_bulk([spec["slug"] for spec in specs], field_name="slug")


def add_to_registry(series: Series, organisations):
    SeriesOrganisation.objects.bulk_create(
        [SeriesOrganisation(series=series, organisation=o, added_at=data.CREATED_AT)
         for o in organisations],
        ignore_conflicts=True,
    )


def load_series() -> Series:
    values = dict(data.SERIES)
    series, _ = Series.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    return series


def load_editions(series: Series) -> dict[int, Edition]:
    editions = {}
    for row in data.EDITIONS:
        values = dict(row)
        number = values.pop("number")
        values.update(opens_at=datetime.time(10), closes_at=datetime.time(22),
                      status=Edition.Status.CLOSED)
        editions[number], _ = Edition.objects.update_or_create(
            series=series, number=number, defaults=values
        )
    reference = editions[data.REFERENCE_EDITION]
    for day, opens_at, closes_at in data.SPECIAL_HOURS:
        OpeningHours.objects.update_or_create(
            edition=reference, day=day,
            defaults={"opens_at": opens_at, "closes_at": closes_at, "closed": False},
        )
    return editions


def load_partners(editions: dict[int, Edition], organisations: dict[str, Organisation]):
    slugs = {f"institution:{row[0]}": slugify(row[1])[:60] for row in data.INSTITUTIONS}
    for number, partners in data.PARTNERS.items():
        for order, (key, role) in enumerate(partners, start=1):
            Partner.objects.update_or_create(
                edition=editions[number], organisation=organisations[slugs[f"institution:{key}"]],
                defaults={"role": role, "order": order},
            )


def load_accounts(series: Series, organisations: dict[str, Organisation]):
    """One account per role. Passwords are reset on every load so that the printed ones work."""
    for username, password, role, first_name, last_name, _ in data.DEMO_ACCOUNTS:
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
    user.email = f"{username}@{data.EMAIL_DOMAIN}"
    user.is_active = True
    user.is_staff = user.is_superuser = superuser
    user.consent_at = data.CONSENT_AT
    if username == "exhibitor":
        user.phone = data.EXHIBITOR_PHONE
    user.set_password(password)
    user.save()
    return user


def join(user: User, organisation: Organisation, admin: bool):
    Membership.objects.update_or_create(
        user=user, organisation=organisation,
        defaults={"is_admin": admin, "status": Membership.Status.ACTIVE,
                  "requested_at": data.CONSENT_AT, "decided_at": data.CONSENT_AT},
    )
