"""The categories and labels every fair starts with (loaded by a data migration)."""

import json
from importlib import resources

# The content is in data/taxonomy.json (shipped with the package): families with their
# categories, and the labels, each as slug or code, Arabic, French.
_TAXONOMY = json.loads(
    (resources.files("maarid.catalogue") / "data" / "taxonomy.json").read_text(encoding="utf-8")
)
Names = tuple[str, str, str]  # (slug or code, Arabic, French)
# (slug, Arabic, French, [(slug, Arabic, French), …])
FAMILIES: list[tuple[str, str, str, list[Names]]] = [
    (f["slug"], f["ar"], f["fr"], [(slug, ar, fr) for slug, ar, fr in f["categories"]])
    for f in _TAXONOMY["families"]
]
LABELS: list[Names] = [(code, ar, fr) for code, ar, fr in _TAXONOMY["labels"]]


def load(category_model, label_model) -> None:
    for order, (slug, ar, fr, children) in enumerate(FAMILIES):
        family, _created = category_model.objects.update_or_create(
            slug=slug, defaults={"name_ar": ar, "name_fr": fr, "parent": None, "order": order}
        )
        for child_order, (child_slug, child_ar, child_fr) in enumerate(children):
            category_model.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name_ar": child_ar,
                    "name_fr": child_fr,
                    "parent": family,
                    "order": child_order,
                },
            )
    for code, ar, fr in LABELS:
        label_model.objects.update_or_create(code=code, defaults={"name_ar": ar, "name_fr": fr})
