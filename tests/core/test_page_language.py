"""Pages of one language showing what was typed in the other: the text is marked with its
language and its direction, and a note says so (formatting.Written, the |written filter)."""

import re

import pytest
from django.utils import translation

from maarid.core import formatting
from maarid.exhibitors.models import Exhibitor
from tests.catalogue.test_site import exhibitor_url, make_product
from tests.conftest import client_for, make_organisation
from tests.core.test_time_ranges_and_areas import page

pytestmark = pytest.mark.django_db

ARABIC_ONLY = 'lang="ar" dir="rtl"'
FRENCH_ONLY = 'lang="fr" dir="ltr"'


def note(language, message):
    with translation.override(language):
        return translation.gettext(message)


def test_the_fallback_is_one_rule_and_knows_the_language_it_fell_back_on():
    written = formatting.bilingual("زيت أركان", "", "fr")
    assert (written.text, written.language, written.foreign) == ("زيت أركان", "ar", True)
    assert str(written) == f"<span {ARABIC_ONLY}>زيت أركان</span>"
    assert written.note == (f'<span class="written-in">{note("fr", "Written in Arabic")}</span>')
    both = formatting.bilingual("زيت أركان", "Huile d'argan", "ar")
    assert (both.text, both.language, both.foreign, both.attrs, both.note) == (
        "زيت أركان",
        "ar",
        False,
        "",
        "",
    )
    assert str(formatting.bilingual("", "Huile d'argan & amlou", "ar")) == (
        f"<span {FRENCH_ONLY}>Huile d&#x27;argan &amp; amlou</span>"
    )
    # English pages read French content first: French there is not "the other language".
    assert not formatting.bilingual("", "Huile d'argan", "en").foreign
    assert formatting.bilingual("زيت", "", "en").foreign


def test_models_fall_back_through_the_same_rule(taxonomy_organisation):
    organisation = taxonomy_organisation
    with translation.override("fr"):
        assert organisation.name == "تعاونية النحل" == organisation.localised("name")
    with translation.override("ar"):
        assert organisation.description == "Miel de thym du Rif."


def test_a_free_text_is_taken_for_the_language_of_its_letters():
    class Profile:
        offers = "Huile d'argan, 2 000 litres par an"
        seeks = "زيت الأركان للتصدير"

    assert formatting.written(Profile(), "offers", "ar").language == "fr"
    assert formatting.written(Profile(), "seeks", "fr").language == "ar"
    assert not formatting.written(Profile(), "offers", "fr").foreign


@pytest.fixture
def taxonomy_organisation(series):
    organisation = make_organisation(
        name_fr="",
        name_ar="تعاونية النحل",
        description_fr="Miel de thym du Rif.",
        description_ar="",
    )
    series.organisations.add(organisation)
    return organisation


def test_a_french_product_page_marks_an_arabic_only_name_and_description(client, edition):
    organisation = make_organisation(name_fr="", name_ar="تعاونية النحل")
    Exhibitor.objects.create(edition=edition, organisation=organisation)
    product = make_product(
        organisation, name_fr="", description_fr="", description_ar="عسل من جبال الريف."
    )
    html = page(client, product.get_absolute_url, "fr")
    assert f"<div {ARABIC_ONLY}><p>عسل من جبال الريف.</p></div>" in html
    assert f"<h1><span {ARABIC_ONLY}>عسل الزعتر</span> " in html
    assert f"<span {ARABIC_ONLY}>تعاونية النحل</span>" in html
    assert html.count('class="written-in"') == 2  # the title's and the description's
    assert note("fr", "Written in Arabic") in html

    # On the Arabic page the same texts are the page's own: nothing to mark.
    html = page(client, product.get_absolute_url, "ar")
    assert "written-in" not in html
    assert f"<span {ARABIC_ONLY}>" not in html and f"<div {ARABIC_ONLY}>" not in html


def test_an_arabic_exhibitor_page_marks_a_french_only_story_and_product(client, edition):
    organisation = make_organisation(
        name_ar="", description_fr="Nous tissons la laine depuis 1990.", description_ar=""
    )
    Exhibitor.objects.create(edition=edition, organisation=organisation)
    make_product(organisation, name_ar="", name_fr="Tapis en laine", category="tissage-tapis")
    html = page(client, lambda: exhibitor_url(edition, organisation, "ar"), "ar")
    assert f"<div {FRENCH_ONLY}><p>Nous tissons la laine depuis 1990.</p></div>" in html
    assert f"<h1><span {FRENCH_ONLY}>Coopérative Al Amal</span> " in html
    assert re.search(
        rf'<h3><a href="[^"]+"><span {FRENCH_ONLY}>Tapis en laine</span></a></h3>', html
    )
    assert note("ar", "Written in French") in html


def test_the_organisations_page_marks_its_description_typed_in_the_other_language(
    client, organiser, taxonomy_organisation
):
    organisation = taxonomy_organisation
    viewer = client_for(organiser)
    html = page(viewer, organisation.get_absolute_url, "fr")
    assert f"<span {ARABIC_ONLY}>تعاونية النحل</span>" in html
    assert f"<p {ARABIC_ONLY}>" not in html  # the description is French: the page's own
    html = page(viewer, organisation.get_absolute_url, "ar")
    assert f"<p {FRENCH_ONLY}>Miel de thym du Rif.</p>" in html
