"""The forms of Arabic words that search stores and looks for (core.text), and the lists'
filters that use them (registry.selectors.with_words, the directory, the public products)."""

import pytest

from maarid.catalogue import selectors as catalogue_selectors
from maarid.core.text import arabic_bases, normalise, searchable, word_forms
from maarid.registry import selectors as registry_selectors
from maarid.registry.models import Organisation
from tests.catalogue.conftest import make_product
from tests.conftest import make_organisation


@pytest.mark.parametrize(
    ("word", "bases"),
    [
        ("عسل", ("عسل",)),
        ("العسل", ("عسل",)),
        ("للعسل", ("عسل",)),
        ("بالعسل", ("عسل",)),
        ("وبالعسل", ("عسل",)),
        ("فالعسل", ("عسل",)),
        ("كالعسل", ("عسل",)),
        ("وللعسل", ("عسل",)),
        # A lone و ف ب ك ل may be the word's own: the word first, then the other readings.
        ("وعسل", ("وعسل", "عسل")),
        ("وبعسل", ("وبعسل", "بعسل", "عسل")),
        ("لتربيه", ("لتربيه", "تربيه")),
        ("فخار", ("فخار", "خار")),
        ("بلغه", ("بلغه", "لغه")),
        # Three letters at least remain: لوز is not ل + وز, nor الم ال + م.
        ("لوز", ("لوز",)),
        ("للوز", ("للوز", "لوز")),
        ("الم", ("الم",)),
        ("ورد", ("ورد",)),
    ],
)
def test_particles_come_off(word, bases):
    assert arabic_bases(word) == bases


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (["التقليدية", "تقليدية", "تقليدي", "والتقليدية"], "تقليد"),
        (["الجلدية", "جلدي", "جلدية"], "جلد"),
        (["مطرزة", "المطرزة", "مطرز"], "مطرز"),
        (["فخاري", "فخارية", "الفخار", "للفخار"], "خار"),
    ],
)
def test_the_stem_does_not_depend_on_the_particles(words, stem):
    """Snowball on a whole word stems "التقليدية" and "تقليدية" apart: it is given the word
    without its particles."""
    for word in words:
        bases, stems = word_forms(normalise(word))
        assert stem in (*bases, *stems), word


def test_latin_words_are_their_own_form():
    assert word_forms("huile") == (("huile",), ())


def test_the_stored_text_starts_with_the_text_normalised():
    """Duplicates are found by the normalised name inside the stored text."""
    text = searchable("Coopérative Al Amal للعسل والحلويات")
    assert text.startswith("cooperative al amal للعسل والحلويات ")
    assert set(text.split()[5:]) >= {"عسل", "حلويات"}
    assert searchable("Huile d'argan") == "huile d argan"
    assert searchable(None) == searchable("") == ""


@pytest.mark.django_db
def test_the_registry_finds_names_with_particles():
    honey = make_organisation(name_ar="جمعية الحكمة للنهوض بالعسل", name_fr="Al Hikma")
    make_organisation(name_ar="تعاونية تويزة للفخار", name_fr="Tiwizi")
    everyone = Organisation.objects.all()
    for query in ("عسل", "العسل", "للعسل", "النهوض بالعسل", "Hikma"):
        assert list(registry_selectors.with_words(everyone, query)) == [honey], query
    assert not registry_selectors.with_words(everyone, "عسل فخار").exists()


@pytest.mark.django_db
def test_the_directory_and_the_products_find_words_with_particles(exhibiting):
    organisation = exhibiting.organisation
    organisation.name_ar = "تعاونية الياسمين للحلويات التقليدية"
    organisation.save()
    soap = make_product(organisation, name_fr="Savon au miel", name_ar="صابون بالعسل")
    exhibitors = catalogue_selectors.filter_exhibitors(
        type(exhibiting).objects.all(), q="حلويات تقليدية"
    )
    assert list(exhibitors) == [exhibiting]
    assert list(catalogue_selectors.public_products(q="العسل")) == [soap]
    assert list(catalogue_selectors.public_products(q="صابون")) == [soap]
