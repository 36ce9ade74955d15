"""Search text: Arabic and French spellings of the same word meet."""

import pytest

from maarid.core.text import normalise

SAME = [
    ("زيت الأركان", "زيت الاركان"),
    ("زيت الإركان", "زيت الاركان"),
    ("آمال", "امال"),
    ("تعاونية", "تعاونيه"),
    ("مصطفى", "مصطفي"),
    ("العسل الحُرّ", "العسل الحر"),
    ("الـــعسل", "العسل"),
    ("مؤسسة", "موسسة"),
    ("شاطئ", "شاطي"),
    ("ٱلزيتون", "الزيتون"),
    ("Coopérative", "cooperative"),
    ("Huile d'argan", "huile d argan"),
    ("TÉTOUAN", "tetouan"),
    ("Chefchaouen  ", "chefchaouen"),
    ("Œuvre", "oeuvre"),
    ("à l'ancienne", "a l ancienne"),
    ("١٩٥٥", "1955"),
    ("Fès-Meknès", "fes meknes"),
]


@pytest.mark.parametrize(("written", "searched"), SAME)
def test_spellings_normalise_to_the_same_text(written, searched):
    assert normalise(written) == normalise(searched)


def test_different_words_stay_different():
    assert normalise("زيت") != normalise("زيتون")
    assert normalise("miel") != normalise("mil")


def test_empty_values():
    assert normalise(None) == ""
    assert normalise("   ") == ""
