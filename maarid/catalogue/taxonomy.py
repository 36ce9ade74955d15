"""The categories and labels every fair starts with (loaded by a data migration)."""

# (slug, Arabic, French, [(slug, Arabic, French), …])
FAMILIES = [
    (
        "terroir",
        "المنتجات المجالية",
        "Produits du terroir",
        [
            ("huile-argan", "زيت الأركان", "Huile d'argan"),
            ("huile-olive", "زيت الزيتون", "Huile d'olive"),
            ("miel", "العسل", "Miel"),
            ("amlou", "أملو", "Amlou"),
            ("couscous-pates", "الكسكس والعجائن", "Couscous et pâtes"),
            ("dattes", "التمور", "Dattes"),
            (
                "plantes-aromatiques",
                "النباتات العطرية والطبية",
                "Plantes aromatiques et médicinales",
            ),
            ("safran", "الزعفران", "Safran"),
            (
                "laitiers-fromage",
                "منتجات الألبان وجبن الماعز",
                "Produits laitiers et fromage de chèvre",
            ),
            ("fruits-secs", "الفواكه الجافة", "Fruits secs"),
            ("cosmetiques", "مستحضرات التجميل الطبيعية", "Cosmétiques naturels"),
            ("epices", "التوابل", "Épices"),
            ("conserves", "المصبرات والمربيات", "Conserves et confitures"),
        ],
    ),
    (
        "artisanat",
        "الصناعة التقليدية",
        "Artisanat",
        [
            ("poterie", "الفخار", "Poterie"),
            ("tissage-tapis", "النسيج والزرابي", "Tissage et tapis"),
            ("broderie", "الطرز", "Broderie"),
            ("cuir", "الجلد", "Cuir"),
            ("bois", "الخشب", "Bois"),
            ("vannerie", "الحصير والسلالة", "Vannerie"),
            ("bijoux", "الحلي", "Bijoux"),
            ("recyclage", "منتجات مدورة", "Artisanat recyclé"),
            ("dinanderie", "النحاسيات", "Dinanderie"),
            ("vetements", "الملابس التقليدية", "Vêtements traditionnels"),
        ],
    ),
    (
        "services",
        "الخدمات",
        "Services",
        [
            ("tourisme-solidaire", "السياحة التضامنية", "Tourisme solidaire"),
            ("formation", "التكوين", "Formation"),
        ],
    ),
]

LABELS = [
    ("igp", "بيان جغرافي محمي", "Indication géographique protégée (IGP)"),
    ("aop", "تسمية المنشأ المحمية", "Appellation d'origine protégée (AOP)"),
    ("label-agricole", "علامة فلاحية", "Label agricole"),
    ("bio", "منتوج بيولوجي", "Biologique"),
    ("fait-main", "صنع يدوي", "Fait main"),
]


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
