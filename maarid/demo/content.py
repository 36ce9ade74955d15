"""The demo's fixed content: the reference fair, its partners, the demo accounts, the activities
and crafts of its exhibitors and the word lists the loader draws organisation names from.

The content itself is in the files of ``data/`` (UTF-8, Arabic as text, one row a line where it
is a table), so that it can be read, reviewed by an Arabic speaker and changed without touching
the code; ``data/README.md`` says what each file holds. This module reads them once, into typed
values, and holds the few settings that are not content. No Django here. Pairs are always
(French, Arabic).
"""

import csv
import datetime
import io
import json
from importlib import resources
from typing import Any, NamedTuple

# Shipped with the package (pyproject's package-data takes ``data/*``).
DATA = resources.files("maarid.demo") / "data"

EMAIL_DOMAIN = "maarid.example"  # a reserved top-level domain: no mail can ever leave
# Only the exhibitor signs in with a phone as well, to show the phone login.
EXHIBITOR_PHONE = "+212661234501"
CONSENT_AT = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
CREATED_AT = datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC)
# Editions 1 and 2 are smaller, earlier fairs; the 3rd is the reference fair.
REFERENCE_EDITION = 3


# --- Reading the files -------------------------------------------------------------------------


def read_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file with a header line, as dicts of strings."""
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def flag(value: str) -> bool:
    """A yes/no cell: ``true`` or ``false``, nothing else (a typo must not read as no)."""
    if value not in ("true", "false"):
        raise ValueError(f"expected true or false, not {value!r}")
    return value == "true"


def pair(row: dict[str, str], french: str = "fr", arabic: str = "ar") -> tuple[str, str]:
    return row[french], row[arabic]


# --- The demo accounts -------------------------------------------------------------------------


class Account(NamedTuple):
    """One per role. The passwords are public on purpose: they are printed by `maarid demo` and
    written in the README. Never load the demo into a database that faces the internet."""

    username: str
    password: str
    role: str
    first_name: str
    last_name: str
    about: str  # what they are in the demo


DEMO_ACCOUNTS = [Account(**row) for row in read_csv("accounts.csv")]

# --- The series and its editions ---------------------------------------------------------------

_FAIR = read_json("fair.json")
SERIES: dict[str, str] = _FAIR["series"]


def _edition(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "starts_on": datetime.date.fromisoformat(row["starts_on"]),
        "ends_on": datetime.date.fromisoformat(row["ends_on"]),
    }


# Edition fields by edition; the reference fair is over (it ended on Sunday 9 June 2024).
EDITIONS: list[dict[str, Any]] = [_edition(row) for row in _FAIR["editions"]]


class SpecialHours(NamedTuple):
    """A day of the reference edition whose hours differ from the usual 10:00–22:00."""

    day: datetime.date
    opens_at: datetime.time
    closes_at: datetime.time


SPECIAL_HOURS = [
    SpecialHours(
        datetime.date.fromisoformat(row["day"]),
        datetime.time.fromisoformat(row["opens_at"]),
        datetime.time.fromisoformat(row["closes_at"]),
    )
    for row in _FAIR["special_hours"]
]

# --- Institutions and the partners of the editions ---------------------------------------------


class Institution(NamedTuple):
    key: str
    name_fr: str
    name_ar: str
    commune_id: str  # its province follows
    about_fr: str
    about_ar: str


INSTITUTIONS = [Institution(**row) for row in read_csv("institutions.csv")]
# Partner roles for each edition: (institution key, role).
PARTNERS: dict[int, list[tuple[str, str]]] = {
    int(number): [(key, role) for key, role in partners]
    for number, partners in _FAIR["partners"].items()
}

# --- Organisations the awards and the demo accounts need ---------------------------------------

_ORGANISATIONS = read_json("organisations.json")


def _special(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row, founded_on=datetime.date.fromisoformat(row["founded_on"]))
    if "members" in values:
        values["members"] = tuple(values["members"])  # (women, men)
    return values


# Written by hand rather than drawn at random: the awards point at them (oldest cooperative,
# most eco-friendly, highest sales, oldest artisan in a craft at risk). Fields not given are
# drawn like those of any organisation of the same activity.
SPECIAL_ORGANISATIONS: list[dict[str, Any]] = [_special(r) for r in _ORGANISATIONS["special"]]


class OtherRegion(NamedTuple):
    """An exhibitor from another region, who travels to the fair with its region's speciality."""

    key: str
    kind: str
    activity: str
    name_fr: str
    name_ar: str
    commune_id: str
    women_led: bool


OTHER_REGIONS = [OtherRegion(**row) for row in _ORGANISATIONS["other_regions"]]

# --- Activities of exhibitors and crafts of artisans -------------------------------------------


class Activity(NamedTuple):
    sector: str
    coop_fr: str  # "Coopérative X <coop_fr>"
    coop_ar: str  # "تعاونية X <coop_ar>"
    promo_fr: str  # "Association X pour la promotion <promo_fr>"
    noun_ar: str  # "جمعية X للنهوض ب<noun_ar>"
    products_fr: str
    products_ar: str
    women_share: float  # how often an organisation of this activity is led by women
    weight: int  # how often the activity is drawn (0: only for hand-written organisations)
    category: str  # the catalogue category of its products
    themes: tuple[str, ...]  # the product lists of the catalogue it draws from, first most


class Craft(NamedTuple):
    name_fr: str
    name_ar: str
    sector: str
    at_risk: bool  # at risk of disappearing (the awards have a prize for its oldest artisan)
    by_women: bool  # usually practised by women
    drawn: bool  # False: a craft of another region, only for hand-written artisans
    category: str
    themes: tuple[str, ...]


ACTIVITIES = {
    row["key"]: Activity(
        sector=row["sector"],
        coop_fr=row["coop_fr"],
        coop_ar=row["coop_ar"],
        promo_fr=row["promo_fr"],
        noun_ar=row["noun_ar"],
        products_fr=row["products_fr"],
        products_ar=row["products_ar"],
        women_share=float(row["women_share"]),
        weight=int(row["weight"]),
        category=row["category"],
        themes=tuple(row["themes"].split()),
    )
    for row in read_csv("activities.csv")
}
CRAFTS = {
    row["key"]: Craft(
        name_fr=row["name_fr"],
        name_ar=row["name_ar"],
        sector=row["sector"],
        at_risk=flag(row["at_risk"]),
        by_women=flag(row["by_women"]),
        drawn=flag(row["drawn"]),
        category=row["category"],
        themes=tuple(row["themes"].split()),
    )
    for row in read_csv("crafts.csv")
}

# --- Word lists for names ----------------------------------------------------------------------

_NAMES: dict[str, list[tuple[str, str]]] = {}
for _row in read_csv("names.csv"):
    _NAMES.setdefault(_row["list"], []).append(pair(_row))

# Names of cooperatives and associations: a virtue, a place or a plant; half the time the
# commune's own name is used instead, as many real cooperatives do.
NAME_WORDS = _NAMES["organisation"]
WOMEN_NAME_WORDS = _NAMES["women_organisation"]
FIRST_NAMES_WOMEN = _NAMES["first_name_woman"]
FIRST_NAMES_MEN = _NAMES["first_name_man"]
LAST_NAMES = _NAMES["last_name"]
# Buyers: companies (with an ICE) and marketing platforms.
COMPANY_WORDS = _NAMES["company"]


class CompanyActivity(NamedTuple):
    activity_fr: str
    activity_ar: str  # the complement of the Arabic name
    sector: str
    form_fr: str  # the legal form
    form_ar: str


COMPANY_ACTIVITIES = [CompanyActivity(**row) for row in read_csv("companies.csv")]

_WORDS = read_json("words.json")
# Marketing platforms: the word of a company name in these templates.
PLATFORM_FR: str = _WORDS["platform"]["fr"]
PLATFORM_AR: str = _WORDS["platform"]["ar"]
# Mobile prefixes (after +212) whose every number `phonenumbers` accepts as valid.
MOBILE_PREFIXES: list[str] = _WORDS["mobile_prefixes"]
STREETS: list[str] = _WORDS["streets"]
DOUARS: list[str] = _WORDS["douars"]
