"""Search across products and organisations: Arabic and French spellings, prefixes, typos, the
page and the API. These run on SQLite (FTS5) in the default run and again on PostgreSQL in the
PostgreSQL run; test_search_postgres.py checks what is PostgreSQL's own."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from maarid.catalogue import search as engine
from maarid.catalogue.models import Product
from maarid.core import formatting
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from tests.catalogue.conftest import category, make_product
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


# A small catalogue: (French, Arabic, category).
CATALOGUE = [
    ("Huile d'argan alimentaire", "زيت الأركان الغذائي", "huile-argan"),
    ("Huile d'olive vierge extra", "زيت الزيتون البكر الممتاز", "huile-olive"),
    ("Olives noires confites", "زيتون أسود مصبر", "huile-olive"),
    ("Miel de thym", "عسل الزعتر", "miel"),
    ("Fromage de chèvre affiné", "جبن الماعز المعتق", "laitiers-fromage"),
    ("Pâte d'amande au cœur de figue", "حلوى اللوز بقلب التين", "conserves"),
    ("Tajine en terre cuite", "طاجين فخاري", "poterie"),
    ("Eau de rose de Kelâat M'Gouna", "ماء الورد من قلعة مكونة", "cosmetiques"),
    ("Babouches brodées", "بلغة مطروزة", "cuir"),
    ("Safran de Taliouine", "زعفران تالوين", "safran"),
]

# (what people type, the French name that must come back).
FOUND = [
    # The three spellings of argan oil.
    ("زيت الاركان", "Huile d'argan alimentaire"),
    ("زيت الأركان", "Huile d'argan alimentaire"),
    ("huile d'argan", "Huile d'argan alimentaire"),
    # Alef forms, diacritics, tatweel, the Moroccan gaf, case, the typographic apostrophe.
    ("زيت الإركان", "Huile d'argan alimentaire"),
    ("زيت الآركان", "Huile d'argan alimentaire"),
    ("زَيْتُ الأَرْكَانِ", "Huile d'argan alimentaire"),
    ("زيـــت الأركـــان", "Huile d'argan alimentaire"),
    ("زيت الأرگان", "Huile d'argan alimentaire"),
    ("HUILE D’ARGAN", "Huile d'argan alimentaire"),
    # With or without the Arabic article.
    ("اركان", "Huile d'argan alimentaire"),
    ("الغذائي", "Huile d'argan alimentaire"),
    ("غذائي", "Huile d'argan alimentaire"),
    # Taa marbuta and alef maqsura.
    ("جبن الماعز", "Fromage de chèvre affiné"),
    ("حلوي اللوز", "Pâte d'amande au cœur de figue"),
    ("حلوى", "Pâte d'amande au cœur de figue"),
    ("قلعه مكونه", "Eau de rose de Kelâat M'Gouna"),
    ("قلعة مكونة", "Eau de rose de Kelâat M'Gouna"),
    # French accents and ligatures, either way round.
    ("chevre", "Fromage de chèvre affiné"),
    ("CHÈVRE AFFINÉ", "Fromage de chèvre affiné"),
    ("affine", "Fromage de chèvre affiné"),
    ("pate d'amande", "Pâte d'amande au cœur de figue"),
    ("coeur", "Pâte d'amande au cœur de figue"),
    ("kelaat", "Eau de rose de Kelâat M'Gouna"),
    ("brodees", "Babouches brodées"),
    # Prefixes: the beginning of a word is enough.
    ("arga", "Huile d'argan alimentaire"),
    ("hui arg", "Huile d'argan alimentaire"),
    ("زيت الار", "Huile d'argan alimentaire"),
    ("طاج", "Tajine en terre cuite"),
    ("terre cui", "Tajine en terre cuite"),
    # The category's names are searched too.
    ("poterie", "Tajine en terre cuite"),
    ("الفخار", "Tajine en terre cuite"),
    # Words in any order.
    ("thym miel", "Miel de thym"),
    ("الزعتر عسل", "Miel de thym"),
    # Particles written into the word, in the query (the text has none), and stems.
    ("بالعسل", "Miel de thym"),
    ("للعسل والزعتر", "Miel de thym"),
    ("وبزيت الأركان", "Huile d'argan alimentaire"),
    ("فخارية", "Tajine en terre cuite"),
    ("أجبان الماعز المعتقة", "Fromage de chèvre affiné"),
]

# One typo in ten queries: a letter doubled, lost, swapped or wrong.
TYPOS = [
    ("huile d'arganne", "Huile d'argan alimentaire"),
    ("زيت الاركن", "Huile d'argan alimentaire"),
    ("safarn", "Safran de Taliouine"),
    ("fromagge chevre", "Fromage de chèvre affiné"),
    ("babouchs", "Babouches brodées"),
    ("تالوبن", "Safran de Taliouine"),
    ("زيت اركن", "Huile d'argan alimentaire"),  # without the article, and misspelt
]


@pytest.fixture
def catalogue(exhibiting):
    return {
        name_fr: make_product(
            exhibiting.organisation, name_fr=name_fr, name_ar=name_ar, category=category(slug)
        )
        for name_fr, name_ar, slug in CATALOGUE
    }


def names(query, **kwargs):
    results, _total = engine.search(query, **kwargs)
    return [p.name_fr for p in results]


@pytest.mark.parametrize(("query", "expected"), FOUND)
def test_spellings_find_the_product(catalogue, query, expected):
    assert expected in names(query)


@pytest.mark.parametrize(("query", "expected"), TYPOS)
def test_a_typo_is_forgiven(catalogue, query, expected):
    found = engine.find(query)
    assert expected in [p.name_fr for p in found.results]
    assert found.fuzzy


def test_the_words_as_typed_come_before_typo_tolerance(catalogue):
    found = engine.find("huile")
    assert not found.fuzzy
    assert {p.name_fr for p in found.results} == {
        "Huile d'argan alimentaire",
        "Huile d'olive vierge extra",
        "Olives noires confites",  # its category is Huile d'olive
    }


def test_every_word_must_match(catalogue):
    assert names("huile argan") == ["Huile d'argan alimentaire"]
    assert names("huile miel") == []


@pytest.mark.parametrize("query", ["", "   ", "'", "??", "zzzzqqq", "ـــ"])
def test_nothing_found(catalogue, query):
    assert engine.search(query) == ([], 0)


def test_query_syntax_is_only_words(catalogue):
    """Characters that mean something to to_tsquery or to FTS5 are only separators."""
    for query in ["argan:*", 'argan" "', "(argan) & !x", "argan*", "-argan", "argan^", "{argan}"]:
        assert "Huile d'argan alimentaire" in names(query)


def test_only_active_products(catalogue):
    product = catalogue["Huile d'argan alimentaire"]
    product.active = False
    product.save()
    assert names("argan") == []


def test_the_index_follows_changes(catalogue):
    product = catalogue["Miel de thym"]
    product.name_fr, product.name_ar = "Miel d'euphorbe", "عسل الدغموس"
    product.save()
    assert names("euphorbe") == ["Miel d'euphorbe"]
    assert names("الدغموس") == ["Miel d'euphorbe"]
    assert names("thym") == []
    product.delete()
    assert names("euphorbe") == []


def test_results_come_with_organisation_category_and_exhibitor_page(catalogue, exhibiting):
    [product], total = engine.search("argan")
    assert total == 1
    assert product.organisation.pk == exhibiting.organisation_id
    assert product.category.slug == "huile-argan"
    edition = exhibiting.edition
    assert product.exhibitor_url == (
        f"/fr/{edition.series.slug}/{edition.number}/exhibitors/{product.organisation.slug}/"
    )


def test_pagination_and_the_count(catalogue):
    results, total = engine.search("huile", limit=2)
    assert total == 3 and len(results) == 2
    rest, total = engine.search("huile", limit=2, offset=2)
    assert total == 3 and len(rest) == 1
    assert not {p.pk for p in results} & {p.pk for p in rest}
    assert engine.search("huile", limit=2, offset=10) == ([], 3)


def test_the_count_stops_at_the_window(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "WINDOW", 4)
    found = engine.find("de")  # de, d' and du are in every French text
    assert found.total == 4 and found.more


def test_edition_keeps_its_exhibitors(catalogue, exhibiting, other_cooperative):
    elsewhere = make_product(other_cooperative, name_fr="Huile d'argan cosmétique")
    assert elsewhere.name_fr in names("argan")
    assert names("argan", edition=exhibiting.edition) == ["Huile d'argan alimentaire"]
    assert names("argan", edition=exhibiting.edition_id) == ["Huile d'argan alimentaire"]


# --- Organisations ----------------------------------------------------------------------------


@pytest.fixture
def exhibitors(exhibiting, edition, series):
    """The cooperative (تعاونية الأمل, Coopérative Al Amal) exhibits; one organisation withdrew;
    one exhibits only at a draft edition; one never exhibited."""
    withdrawn = make_organisation(
        name_fr="Coopérative Al Amal Nord", name_ar="تعاونية الأمل الشمال"
    )
    Exhibitor.objects.create(
        edition=edition, organisation=withdrawn, status=Exhibitor.Status.WITHDRAWN
    )
    draft = Edition.objects.create(
        series=series,
        number=4,
        city_id=edition.city_id,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 8),
    )
    future = make_organisation(name_fr="Association Amal Sud", name_ar="جمعية الأمل الجنوب")
    Exhibitor.objects.create(edition=draft, organisation=future)
    make_organisation(name_fr="Coopérative Amal Est", name_ar="تعاونية الأمل الشرق")
    artisan = make_organisation(
        kind="artisan", name_fr="Maâlem Ahmed Ould Ali", name_ar="المعلم أحمد ولد علي"
    )
    Exhibitor.objects.create(edition=edition, organisation=artisan)
    return exhibiting.organisation, artisan


@pytest.mark.parametrize(
    "query",
    [
        "تعاونية الأمل",
        "تعاونيه الامل",
        "الامل",
        "امل",
        "Coopérative Al Amal",
        "cooperative al amal",
        "COOP AMAL",
        "amal",
    ],
)
def test_exhibitors_by_name(exhibitors, query):
    cooperative, _artisan = exhibitors
    results, total = engine.search(query, kind="organisations")
    assert [o.pk for o in results] == [cooperative.pk]
    assert total == 1


@pytest.mark.parametrize("query", ["المعلم احمد", "معلم أحمد", "maalem ahmed", "Maâlem", "ould"])
def test_an_artisan_by_name(exhibitors, query):
    _cooperative, artisan = exhibitors
    assert [o.pk for o in engine.search(query, kind="organisations")[0]] == [artisan.pk]


# Issue 13's problem 4: عسل found 0 of the 3 exhibitors whose names hold للعسل, بالعسل …,
# حلويات 0 of 4, فخار 4 of 13, تربية النحل 0.
PARTICLES = [
    ("جمعية الحكمة للنهوض بالعسل", "Association Al Hikma pour la promotion du miel"),
    ("تعاونية الياسمين للحلويات التقليدية", "Coopérative Yasmine pour la pâtisserie"),
    ("تعاونية تويزة للفخار", "Coopérative Tiwizi de poterie"),
    ("المجموعة ذات النفع الاقتصادي فاطمة الزهراء لتسويق الفخار", "GIE Fatima Zahra"),
    ("تعاونية بني ليت لتربية النحل", "Coopérative Bni Leit pour l'apiculture"),
    ("تعاونية سوق القديم لحليب وجبن الماعز", "Coopérative Souk Kdim"),
]


@pytest.fixture
def with_particles(edition):
    found = {}
    for name_ar, name_fr in PARTICLES:
        organisation = make_organisation(name_ar=name_ar, name_fr=name_fr)
        Exhibitor.objects.create(edition=edition, organisation=organisation)
        found[name_ar] = organisation
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("عسل", ["جمعية الحكمة للنهوض بالعسل"]),
        ("العسل", ["جمعية الحكمة للنهوض بالعسل"]),
        ("للعسل", ["جمعية الحكمة للنهوض بالعسل"]),
        ("حلويات", ["تعاونية الياسمين للحلويات التقليدية"]),
        ("الحلويات التقليدية", ["تعاونية الياسمين للحلويات التقليدية"]),
        (
            "فخار",
            [
                "تعاونية تويزة للفخار",
                "المجموعة ذات النفع الاقتصادي فاطمة الزهراء لتسويق الفخار",
            ],
        ),
        ("تربية النحل", ["تعاونية بني ليت لتربية النحل"]),
        ("النحل", ["تعاونية بني ليت لتربية النحل"]),
        ("جبن", ["تعاونية سوق القديم لحليب وجبن الماعز"]),
        ("الحليب", ["تعاونية سوق القديم لحليب وجبن الماعز"]),
        ("تسويق", ["المجموعة ذات النفع الاقتصادي فاطمة الزهراء لتسويق الفخار"]),
    ],
)
def test_exhibitors_whose_names_attach_particles(with_particles, query, expected):
    found = engine.find(query, kind="organisations")
    assert sorted(o.name_ar for o in found.results) == sorted(expected)
    assert not found.fuzzy


def test_a_lone_letter_that_may_be_a_particle_ranks_below(exhibiting):
    """فخار begins with ف, which may be "and": a text where only "خار…" reads after it is found
    but ranks below the pottery."""
    pottery = make_product(exhibiting.organisation, name_fr="Jarre", name_ar="جرة من الفخار")
    other = make_product(exhibiting.organisation, name_fr="Autre", name_ar="وخار")
    found = [p.pk for p in engine.search("فخار")[0]]
    assert found.index(pottery.pk) < found.index(other.pk)


def test_an_exhibitor_with_a_typo(exhibitors):
    cooperative, _artisan = exhibitors
    found = engine.find("cooperattive al amal", kind="organisations")
    assert [o.pk for o in found.results] == [cooperative.pk] and found.fuzzy


def test_exhibitor_results_link_to_the_exhibitor_page(exhibitors, edition):
    cooperative, _artisan = exhibitors
    [result], _total = engine.search("amal", kind="organisations", edition=edition)
    assert result.exhibitor_url.endswith(f"/{edition.number}/exhibitors/{cooperative.slug}/")
    assert engine.search("amal", kind="organisations", edition=edition.pk + 100) == ([], 0)


def test_unknown_kind():
    with pytest.raises(ValueError):
        engine.search("argan", kind="users")


# --- The query --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("Huile d'argan", [["huile"], ["argan"]]),
        ("زيت الأركان", [["زيت"], ["الاركان", "اركان"]]),
        # The article and the particles before it come off; a lone و ف ب ك ل may be the
        # word's own letter: the reading without it is matched whole and ranks below, as stems.
        ("للعسل", [["للعسل", "عسل"]]),
        ("بالعسل والحلويات", [["بالعسل", "عسل"], ["والحلويات", "حلويات", "حلويا~"]]),
        ("فخار", [["فخار", "خار~"]]),
        ("وبعسل", [["وبعسل", "بعسل~", "عسل~"]]),
        ("التقليدية", [["التقليديه", "تقليديه", "تقليد~"]]),
        ("l'ail", [["ail"]]),
        ("a", [["a"]]),
        ("miel miel MIEL", [["miel"]]),
        ("الم", [["الم"]]),  # too short to lose an article
        ("1 2 3 4 5 6 7 8", [["1"], ["2"], ["3"], ["4"], ["5"], ["6"]]),
    ],
)
def test_parse(query, groups):
    assert engine.parse(query) == groups


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("argan", "argan", 0),
        ("argan", "argane", 1),
        ("arganne", "argan", 2),
        ("safran", "safarn", 1),  # two neighbours swapped
        ("الاركان", "الاركن", 1),
        ("miel", "mile", 1),
        ("miel", "thym", 3),  # stops counting past the limit (2)
    ],
)
def test_edits(a, b, distance):
    assert engine.edits(a, b) == distance


# --- The page ---------------------------------------------------------------------------------


def test_the_page_in_french(catalogue, client):
    product = catalogue["Huile d'argan alimentaire"]
    page = client.get("/fr/search/", {"q": "زيت الأركان"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="search-q">' in html and 'id="search-q"' in html
    assert f'href="{product.get_absolute_url()}"' in html
    assert "Huile d&#x27;argan alimentaire" in html
    assert formatting.money(Decimal("180.00"), "fr") in html
    assert "Coopérative Al Amal" in html


def test_the_page_in_arabic(catalogue, client):
    page = client.get("/ar/search/", {"q": "huile d'argan"})
    html = page.content.decode()
    assert 'dir="rtl"' in html
    assert "زيت الأركان الغذائي" in html
    assert formatting.money(Decimal("180.00"), "ar") in html
    assert "تعاونية الأمل" in html


def test_the_page_says_when_nothing_is_found_and_when_spelling_was_forgiven(catalogue, client):
    assert client.get("/fr/search/", {"q": "zzzzqqq"}).context["found"].total == 0
    found = client.get("/fr/search/", {"q": "huile d'arganne"}).context["found"]
    assert found.fuzzy and found.total == 1


def test_the_page_for_one_edition(catalogue, exhibiting, other_cooperative, client):
    make_product(other_cooperative, name_fr="Huile d'argan cosmétique")
    page = client.get("/fr/search/", {"q": "argan", "edition": exhibiting.edition_id})
    assert [p.name_fr for p in page.context["found"].results] == ["Huile d'argan alimentaire"]
    html = page.content.decode()
    with translation.override("fr"):
        scope = gettext("Only the exhibitors of %(edition)s.")
    assert scope % {"edition": escape(exhibiting.edition.name_fr)} in html
    assert f'name="edition" value="{exhibiting.edition_id}"' in html


@pytest.mark.parametrize("number", ["9223372036854775808", "²", "0"])
def test_an_edition_no_database_holds_is_left_out(catalogue, client, number):
    """As any edition that is not a number: SQLite cannot compare with an integer past 64 bits
    (OverflowError)."""
    page = client.get("/fr/search/", {"q": "argan", "edition": number, "page": "2282589375379"})
    assert page.status_code == 200
    assert page.context["edition"] is None and page.context["page"]["number"] == 1


def test_the_page_without_a_query(client, db):
    page = client.get("/en/search/")
    assert page.status_code == 200
    assert page.context["found"].total == 0


def test_the_page_of_exhibitors(exhibitors, client):
    page = client.get("/fr/search/", {"q": "amal", "kind": "organisations"})
    html = page.content.decode()
    assert "Coopérative Al Amal" in html
    assert "Coopérative Amal Est" not in html  # never exhibited
    assert 'value="organisations" checked' in html


def test_the_page_paginates(exhibiting, client, django_assert_max_num_queries):
    for n in range(engine.PAGE_SIZE + 5):
        make_product(exhibiting.organisation, name_fr=f"Poterie de Safi {n}", name_ar="فخار آسفي")
    with django_assert_max_num_queries(8):
        first = client.get("/fr/search/", {"q": "safi"})
    assert first.context["page"] == {"number": 1, "pages": 2, "previous": None, "next": 2}
    assert len(first.context["found"].results) == engine.PAGE_SIZE
    assert "q=safi&amp;page=2" in first.content.decode()
    second = client.get("/fr/search/", {"q": "safi", "page": 2})
    assert len(second.context["found"].results) == 5
    assert client.get("/fr/search/", {"q": "safi", "page": "x"}).status_code == 200


# --- The API ----------------------------------------------------------------------------------


def test_the_api(catalogue, exhibiting):
    client = Client()
    data = client.get("/api/v1/search", {"q": "زيت الاركان"}).json()
    assert data["count"] == 1 and data["pages"] == 1 and not data["fuzzy"]
    [hit] = data["results"]
    product = catalogue["Huile d'argan alimentaire"]
    assert hit["slug"] == product.slug and hit["kind"] == "product"
    assert hit["price"] == "180.00" and hit["unit"] == "l"
    assert hit["category"]["slug"] == "huile-argan"
    assert hit["organisation"]["name_ar"] == "تعاونية الأمل"
    assert hit["url"] == product.get_absolute_url()
    assert hit["exhibitor_url"].endswith(f"/exhibitors/{exhibiting.organisation.slug}/")


def test_the_api_for_exhibitors_and_pages(exhibitors, edition):
    client = Client()
    data = client.get(
        "/api/v1/search", {"q": "amal", "kind": "organisations", "edition": edition.pk}
    ).json()
    assert [r["name_fr"] for r in data["results"]] == ["Coopérative Al Amal"]
    assert data["results"][0]["organisation_kind"] == "cooperative"
    beyond = client.get("/api/v1/search", {"q": "amal", "kind": "organisations", "page": 3})
    assert beyond.json()["results"] == [] and beyond.json()["count"] == 1


def test_the_api_is_described(db):
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/search" in schema["paths"]
    assert "security" not in schema["paths"]["/api/v1/search"]["get"]  # public


def test_the_api_refuses_what_it_does_not_know(db):
    client = Client()
    assert client.get("/api/v1/search", {"q": "x", "kind": "users"}).status_code == 422
    assert client.get("/api/v1/search", {"q": "x", "page": 0}).status_code == 422
    assert client.get("/api/v1/search").json()["count"] == 0


# --- SQLite's own -----------------------------------------------------------------------------


@pytest.mark.sqlite  # the FTS5 triggers are SQLite's; left out of the PostgreSQL run
def test_lost_triggers_are_put_back(catalogue):
    """A later migration that rebuilds the table drops its triggers: search puts them back."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER catalogue_product_fts_insert")
    engine._checked.clear()
    assert "Huile d'argan alimentaire" in names("argan")
    make_product(catalogue["Miel de thym"].organisation, name_fr="Amlou aux amandes")
    assert names("amlou") == ["Amlou aux amandes"]


def test_products_made_in_bulk_are_found(exhibiting):
    """bulk_create bypasses save(): the index still follows (triggers), given search_text."""
    from maarid.catalogue.models import search_text

    product = Product(
        organisation=exhibiting.organisation,
        name_fr="Couscous d'orge",
        name_ar="كسكس الشعير",
        category=category("couscous-pates"),
        slug="couscous-orge",
    )
    product.search_text = search_text(product)
    Product.objects.bulk_create([product])
    assert names("كسكس") == ["Couscous d'orge"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        'argan"*',
        "NEAR(a b)",
        "' OR 1=1 --",
        "a" * 500,
        "^^^",
        "زيت AND OR NOT",
        "(",
        "huile:argan",
        "-argan",
        "{x}",
        "argan & | !",
    ],
)
def test_search_syntax_in_a_query_is_only_text(catalogue, client, query):
    """Full-text engines have their own query languages (FTS5, tsquery): what people type
    never reaches them as syntax, whatever it is, on either database."""
    for kind in ("products", "organisations"):
        assert client.get("/fr/search/", {"q": query, "kind": kind}).status_code == 200
        api = client.get("/api/v1/search", {"q": query, "kind": kind})
        assert api.status_code == (422 if len(query) > 100 else 200)  # too long: a clear 422
