"""The call for exhibitors of the reference fair (DESIGN.md): its rules, about 230 applications
with the products each applicant brings, two reviews per application, the real selection run
and its 165 exhibitors; and the exhibitors of the two earlier editions, which is what makes an
applicant a first-timer or not.

The rules of loader.py hold here too:

- Deterministic. Marks, products, booth needs and dates come from ``random.Random(2024)`` (an
  instance of its own, so the organisations drawn by loader.py do not change) and from fixed
  dates in spring 2024; timestamps the services take from the clock are set back to those dates.
- Idempotent. Rows are found by natural keys (the call by its edition, an application by its
  organisation, a review by its reviewer, a score by its criterion), so a second load refreshes
  the call instead of duplicating it; the products of the demo's applications and its selection
  runs are replaced.

The selection is the real one (``services.run_selection``) and the decisions are published with
``services.publish_decisions``; nobody is messaged, as the demo's applicants are marked as told
before the decisions go out.
"""

import datetime
import random
from decimal import Decimal

from django.db.models import F

from maarid.core.models import User
from maarid.exhibitors import scoring, services
from maarid.exhibitors.models import (
    Application,
    ApplicationProduct,
    BoothSize,
    Call,
    Criterion,
    Exhibitor,
    RequiredDocument,
    Review,
    Score,
    SectorQuota,
)
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Organisation

from . import data

SEED = 2024
EXHIBITING_KINDS = [Kind.COOPERATIVE, Kind.ASSOCIATION, Kind.GIE, Kind.ARTISAN]
APPLICATIONS = 230
REVIEWERS = ["reviewer", "reviewer2", "reviewer3"]
# How harsh (< 0) or lenient (> 0) each reviewer is: the call normalises their marks.
REVIEWER_BIAS = {"reviewer": 0.0, "reviewer2": -0.7, "reviewer3": 0.5}
# Exhibitors of the earlier, smaller editions (drawn among organisations founded before them).
PAST_EXHIBITORS = {1: 70, 2: 110}

CALL = {
    "opens_on": datetime.date(2024, 3, 4),
    "closes_on": datetime.date(2024, 4, 12),
    "places": 165,
    "waitlist_size": 30,
    "eligible_kinds": [str(k) for k in EXHIBITING_KINDS],
    "eligible_sectors": [],
    "women_min_share": 30,
    "province_max": 40,
    "first_timer_places": 15,
    "reviewers_per_application": 2,
    "aggregation": Call.Aggregation.NORMALISED,
    "disagreement": Decimal("2.50"),
}
# Sector: (at least, at most), sized on the demo's applicants (about 105 terroir, 70
# handicrafts, 30 textiles, 10 cosmetics and a few of each other sector).
SECTOR_QUOTAS = {
    "terroir": (None, 75),
    "handicrafts": (40, None),
    "textiles": (15, None),
    "cosmetics": (5, None),
    "fisheries": (3, None),
    "agriculture": (2, None),
    "tourism": (2, None),
    "recycling": (2, None),
}
ASSIGNED_AT = datetime.datetime(2024, 4, 15, 9, 0, tzinfo=datetime.UTC)
SELECTED_AT = datetime.datetime(2024, 5, 2, 10, 0, tzinfo=datetime.UTC)
PUBLISHED_AT = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.UTC)

# The organisations the awards point at: accepted, whatever their marks (loader.py's keys).
MUST_EXHIBIT = [
    "coral-divers",
    "oldest-cooperative",
    "eco-cooperative",
    "oldest-artisan",
    "jellaba-bziouiya",
]
# Organisers pin these whatever the marks: crafts at risk of disappearing are shown on purpose.
PINNED = {
    "oldest-artisan": "Métier menacé de disparition (dinanderie) : le salon tient à le montrer.",
    "jellaba-bziouiya": "Métier menacé de disparition (jellaba bziouiya) : invitée d'honneur.",
}
PIN_IF_NEEDED = "Lauréat pressenti d'un prix du salon : sa présence est requise."

# fmt: off
# Products by activity (data.ACTIVITIES) and by craft (data.CRAFTS):
# French, Arabic, lowest and highest price in MAD.
PRODUCTS = {
    "olive_oil": [
        ("Huile d'olive vierge extra (1 L)", "زيت الزيتون البكر الممتاز (1 لتر)", 70, 95),
        ("Huile d'olive vierge extra (5 L)", "زيت الزيتون البكر الممتاز (5 لترات)", 330, 450),
        ("Olives vertes cassées (1 kg)", "زيتون أخضر مرضوض (1 كلغ)", 30, 45),
        ("Olives noires confites (1 kg)", "زيتون أسود مصبر (1 كلغ)", 35, 50),
        ("Tapenade d'olives (200 g)", "معجون الزيتون (200 غ)", 25, 40),
        ("Savon à l'huile d'olive", "صابون بزيت الزيتون", 15, 30),
    ],
    "honey": [
        ("Miel de thym (500 g)", "عسل الزعتر (500 غ)", 120, 180),
        ("Miel d'eucalyptus (500 g)", "عسل الكاليبتوس (500 غ)", 80, 120),
        ("Miel de montagne toutes fleurs (1 kg)", "عسل الجبل متعدد الأزهار (1 كلغ)", 180, 260),
        ("Pollen (250 g)", "حبوب اللقاح (250 غ)", 60, 90),
        ("Cire d'abeille (250 g)", "شمع النحل (250 غ)", 30, 50),
        ("Propolis (30 ml)", "العكبر (30 مل)", 50, 80),
    ],
    "goat_cheese": [
        ("Fromage de chèvre frais (250 g)", "جبن الماعز الطري (250 غ)", 25, 40),
        ("Fromage de chèvre affiné (250 g)", "جبن الماعز المعتق (250 غ)", 45, 70),
        ("Jben au thym (250 g)", "جبن بلدي بالزعتر (250 غ)", 30, 45),
        ("Lait de chèvre (1 L)", "حليب الماعز (1 لتر)", 12, 18),
        ("Smen (500 g)", "سمن بلدي (500 غ)", 60, 100),
    ],
    "couscous": [
        ("Couscous d'orge (1 kg)", "كسكس الشعير (1 كلغ)", 25, 40),
        ("Couscous de blé dur (1 kg)", "كسكس القمح الصلب (1 كلغ)", 20, 35),
        ("Berkoukech (1 kg)", "البركوكش (1 كلغ)", 25, 40),
        ("Vermicelles roulés à la main (500 g)", "شعرية مفتولة باليد (500 غ)", 20, 35),
        ("Couscous aux herbes (1 kg)", "كسكس بالأعشاب (1 كلغ)", 35, 50),
        ("Farine d'orge (1 kg)", "دقيق الشعير (1 كلغ)", 12, 20),
    ],
    "aromatic": [
        ("Thym séché (100 g)", "زعتر مجفف (100 غ)", 15, 25),
        ("Origan (100 g)", "الزعيترة (100 غ)", 15, 25),
        ("Romarin (100 g)", "إكليل الجبل (100 غ)", 10, 20),
        ("Verveine (50 g)", "اللويزة (50 غ)", 15, 25),
        ("Huile essentielle de romarin (10 ml)", "زيت إكليل الجبل الأساسي (10 مل)", 40, 70),
        ("Eau de fleur d'oranger (250 ml)", "ماء الزهر (250 مل)", 20, 35),
    ],
    "figs": [
        ("Figues séchées (1 kg)", "تين مجفف (1 كلغ)", 40, 70),
        ("Confiture de figue (350 g)", "مربى التين (350 غ)", 30, 45),
        ("Confiture de figue de Barbarie (350 g)", "مربى الهندية (350 غ)", 35, 50),
        ("Huile de pépins de figue de Barbarie (30 ml)", "زيت بذور الهندية (30 مل)", 150, 250),
        ("Figues fourrées aux amandes (500 g)", "تين محشو باللوز (500 غ)", 50, 80),
    ],
    "red_fruits": [
        ("Confiture de fraise (350 g)", "مربى الفراولة (350 غ)", 25, 40),
        ("Confiture de framboise (350 g)", "مربى التوت (350 غ)", 35, 50),
        ("Fraises séchées (200 g)", "فراولة مجففة (200 غ)", 40, 60),
        ("Sirop de fruits rouges (50 cl)", "شراب الفواكه الحمراء (50 سل)", 30, 45),
    ],
    "pastries": [
        ("Cornes de gazelle (1 kg)", "كعب الغزال (1 كلغ)", 180, 260),
        ("Ghriba aux amandes (1 kg)", "غريبة باللوز (1 كلغ)", 120, 180),
        ("Chebakia au miel (1 kg)", "الشباكية بالعسل (1 كلغ)", 90, 140),
        ("Pain beldi", "الخبز البلدي", 5, 10),
        ("Fekkas (500 g)", "الفقاص (500 غ)", 40, 60),
        ("Sellou (500 g)", "السلو (500 غ)", 60, 90),
    ],
    "cosmetics": [
        ("Savon beldi (250 g)", "الصابون البلدي (250 غ)", 20, 35),
        ("Ghassoul (250 g)", "الغاسول (250 غ)", 15, 30),
        ("Eau de rose (250 ml)", "ماء الورد (250 مل)", 25, 40),
        ("Huile de nigelle (100 ml)", "زيت الحبة السوداء (100 مل)", 50, 80),
        ("Henné naturel (200 g)", "الحناء الطبيعية (200 غ)", 20, 35),
        ("Huile d'amande douce (100 ml)", "زيت اللوز الحلو (100 مل)", 50, 80),
    ],
    "fishing": [
        ("Anchois salés (500 g)", "أنشوبة مملحة (500 غ)", 50, 80),
        ("Sardines salées (500 g)", "سردين مملح (500 غ)", 30, 50),
        ("Poisson séché (500 g)", "سمك مجفف (500 غ)", 60, 100),
        ("Thon à l'huile d'olive (200 g)", "تونة بزيت الزيتون (200 غ)", 35, 55),
        ("Boulettes de sardines surgelées (500 g)", "كويرات السردين المجمدة (500 غ)", 30, 45),
    ],
    "goats": [
        ("Chevreau de race Beni Arouss", "جدي من سلالة بني عروس", 900, 1500),
        ("Fumier composté (sac de 25 kg)", "سماد عضوي (كيس 25 كلغ)", 40, 60),
        ("Lait de chèvre (1 L)", "حليب الماعز (1 لتر)", 12, 18),
        ("Peau de chèvre tannée", "جلد ماعز مدبوغ", 80, 150),
    ],
    "tourism": [
        ("Nuit en gîte rural (2 personnes)", "ليلة في مأوى قروي (شخصان)", 300, 500),
        ("Randonnée guidée (une journée)", "جولة مشي بمرشد (يوم واحد)", 150, 300),
        ("Repas du terroir", "وجبة من المطبخ المحلي", 80, 150),
        ("Atelier de cuisine traditionnelle", "ورشة الطبخ التقليدي", 150, 250),
    ],
    "pottery": [
        ("Tajine en terre cuite", "طاجين فخاري", 40, 90),
        ("Jarre à eau", "جرة ماء", 80, 200),
        ("Plat à couscous (gsaa)", "قصعة الكسكس", 120, 250),
        ("Bols en terre cuite (lot de 6)", "زلافات فخارية (6 قطع)", 60, 120),
        ("Lampe en terre cuite ajourée", "مصباح فخاري مخرم", 90, 200),
        ("Pot à épices", "وعاء للتوابل", 25, 60),
    ],
    "weaving": [
        ("Mendil tissé main", "منديل منسوج يدويا", 150, 350),
        ("Couverture en laine", "غطاء صوفي", 400, 900),
        ("Tapis tissé main (1 × 1,5 m)", "زربية منسوجة يدويا (1 × 1,5 م)", 800, 2000),
        ("Coussin tissé", "وسادة منسوجة", 120, 250),
        ("Sac en mendil", "حقيبة من المنديل", 120, 250),
    ],
    "embroidery": [
        ("Nappe brodée", "مفرش مطرز", 250, 600),
        ("Coussin brodé au fil de soie", "وسادة مطرزة بخيط الحرير", 150, 300),
        ("Caftan brodé au fil d'or", "قفطان مطرز بخيط الذهب", 1500, 4000),
        ("Serviettes brodées (lot de 6)", "مناديل مطرزة (6 قطع)", 150, 300),
        ("Tableau brodé", "لوحة مطرزة", 200, 500),
    ],
    "leather": [
        ("Babouches en cuir", "بلغة جلدية", 120, 250),
        ("Sac en cuir", "حقيبة جلدية", 250, 700),
        ("Ceinture en cuir", "حزام جلدي", 80, 200),
        ("Pouf en cuir", "بوف جلدي", 300, 600),
        ("Porte-monnaie en cuir", "محفظة جلدية", 60, 150),
    ],
    "wood": [
        ("Coffret en bois sculpté", "صندوق من الخشب المنقوش", 150, 400),
        ("Table basse en bois peint", "مائدة منخفضة من الخشب المزوق", 900, 2500),
        ("Miroir en bois sculpté", "مرآة بإطار من الخشب المنقوش", 300, 800),
        ("Plateau en thuya", "صينية من خشب العرعار", 150, 350),
        ("Boîte à bijoux", "علبة المجوهرات", 100, 250),
    ],
    "basketry": [
        ("Panier en doum", "سلة من الدوم", 50, 120),
        ("Chapeau en doum", "قبعة من الدوم", 60, 150),
        ("Natte en doum", "حصير من الدوم", 150, 350),
        ("Couffin", "قفة", 60, 140),
        ("Corbeille à pain", "سلة الخبز", 40, 80),
    ],
    "recycled": [
        ("Sac en bâches recyclées", "حقيبة من مشمعات معاد تدويرها", 80, 200),
        ("Pouf en pneus recyclés", "بوف من إطارات معاد تدويرها", 250, 500),
        ("Décoration en verre recyclé", "تحفة من الزجاج المعاد تدويره", 60, 180),
        ("Tapis boucherouite en chiffons recyclés", "زربية بوشرويط من بقايا الثوب", 300, 900),
        ("Porte-stylos en papier recyclé", "حامل أقلام من الورق المعاد تدويره", 25, 60),
    ],
    "sewing": [
        ("Jellaba pour femme", "جلابة نسائية", 600, 1500),
        ("Jellaba pour homme", "جلابة رجالية", 500, 1300),
        ("Caftan", "قفطان", 1200, 3500),
        ("Gandoura", "كندورة", 250, 600),
        ("Tenue traditionnelle d'enfant", "لباس تقليدي للأطفال", 200, 450),
    ],
    "coral": [
        ("Collier en corail rouge", "قلادة من المرجان الأحمر", 600, 2500),
        ("Bracelet en corail", "سوار من المرجان", 300, 1200),
        ("Boucles d'oreilles en corail", "أقراط من المرجان", 250, 900),
        ("Bague en argent et corail", "خاتم من الفضة والمرجان", 400, 1500),
        ("Branche de corail poli", "غصن مرجان مصقول", 500, 2000),
    ],
    "argan": [
        ("Huile d'argan alimentaire (250 ml)", "زيت الأركان الغذائي (250 مل)", 120, 180),
        ("Huile d'argan cosmétique (100 ml)", "زيت الأركان التجميلي (100 مل)", 90, 150),
        ("Amlou (250 g)", "أملو (250 غ)", 60, 100),
        ("Savon à l'argan", "صابون بزيت الأركان", 25, 45),
    ],
    "saffron": [
        ("Safran en filaments (1 g)", "زعفران حر (1 غ)", 35, 60),
        ("Safran en filaments (5 g)", "زعفران حر (5 غ)", 160, 280),
        ("Thé au safran (100 g)", "شاي بالزعفران (100 غ)", 40, 70),
    ],
    "rose": [
        ("Eau de rose (250 ml)", "ماء الورد (250 مل)", 25, 40),
        ("Boutons de rose séchés (100 g)", "ورد مجفف (100 غ)", 30, 50),
        ("Savon à la rose", "صابون بالورد", 20, 35),
        ("Huile essentielle de rose (5 ml)", "زيت الورد الأساسي (5 مل)", 300, 600),
    ],
    "dates": [
        ("Dattes Mejhoul (1 kg)", "تمر المجهول (1 كلغ)", 90, 160),
        ("Dattes Boufeggous (1 kg)", "تمر بوفكوس (1 كلغ)", 50, 90),
        ("Pâte de dattes (500 g)", "عجينة التمر (500 غ)", 25, 45),
        ("Dattes fourrées aux amandes (500 g)", "تمر محشو باللوز (500 غ)", 70, 120),
    ],
    "zellige": [
        ("Panneau de zellige (1 m²)", "لوحة زليج (1 م²)", 600, 1500),
        ("Table en mosaïque", "مائدة من الفسيفساء", 1200, 3500),
        ("Fontaine murale en zellige", "خصة حائطية من الزليج", 2500, 6000),
        ("Dessous-de-plat en zellige", "حامل أواني من الزليج", 60, 150),
    ],
    # Crafts of individual artisans.
    "dinanderie": [
        ("Plateau en cuivre ciselé", "صينية نحاسية منقوشة", 300, 900),
        ("Lanterne en laiton ajouré", "فانوس نحاسي مخرم", 250, 800),
        ("Théière en cuivre", "براد نحاسي", 200, 500),
        ("Brasero en cuivre (mejmar)", "مجمر نحاسي", 200, 450),
    ],
    "bziouiya": [
        ("Jellaba bziouiya en soie", "جلابة بزيوية من الحرير", 2500, 6000),
        ("Jellaba bziouiya en laine fine", "جلابة بزيوية من الصوف الرقيق", 1800, 4000),
        ("Écharpe tissée à Bzou", "وشاح منسوج ببزو", 300, 600),
    ],
    "tarz": [
        ("Nappe en broderie tétouanaise", "مفرش بالطرز التطواني", 400, 1200),
        ("Coussin en broderie tétouanaise", "وسادة بالطرز التطواني", 200, 450),
        ("Serviette de hammam brodée", "منشفة حمام مطرزة", 150, 300),
    ],
    "sellerie": [
        ("Selle traditionnelle brodée", "سرج تقليدي مطرز", 5000, 15000),
        ("Bride de fantasia", "لجام الفروسية التقليدية", 1500, 4000),
        ("Étui en cuir brodé", "غمد جلدي مطرز", 300, 700),
    ],
    "mendil": [
        ("Mendil rayé rouge et blanc", "منديل مخطط بالأحمر والأبيض", 150, 350),
        ("Mendil de fête", "منديل المناسبات", 250, 500),
        ("Foulard en mendil", "وشاح من المنديل", 100, 200),
    ],
    "rif_pottery": [
        ("Jarre rifaine", "جرة ريفية", 100, 300),
        ("Tajine rifain", "طاجين ريفي", 60, 150),
        ("Cruche décorée", "إبريق فخاري مزخرف", 80, 200),
    ],
    "zouak": [
        ("Coffret peint (zouak)", "صندوق مزوق", 200, 500),
        ("Miroir au cadre peint", "مرآة بإطار مزوق", 300, 800),
        ("Étagère peinte", "رف مزوق", 400, 900),
    ],
    "instruments": [
        ("Oud", "عود", 2500, 8000),
        ("Bendir", "بندير", 200, 450),
        ("Derbouka en terre cuite", "دربوكة فخارية", 150, 400),
        ("Rebab", "رباب", 1500, 4000),
    ],
    "sfifa": [
        ("Boutons en soie (aakad, lot de 50)", "عقاد من الحرير (50 حبة)", 80, 200),
        ("Sfifa pour caftan (10 m)", "سفيفة للقفطان (10 أمتار)", 150, 400),
        ("Ganse de jellaba (qitane)", "قيطان الجلابة", 60, 150),
    ],
    "tarazal": [
        ("Chapeau jebli (tarazal)", "القبعة الجبلية (الترزال)", 120, 300),
        ("Chapeau jebli brodé de laine", "ترزال مطرز بالصوف", 180, 400),
        ("Chapeau jebli miniature", "ترزال صغير للزينة", 40, 90),
    ],
    "babouches": [
        ("Babouches en cuir jaune", "بلغة صفراء", 120, 250),
        ("Babouches brodées (cherbil)", "شربيل مطرز", 180, 400),
        ("Babouches d'enfant", "بلغة للأطفال", 70, 150),
    ],
    "cabinetry": [
        ("Table en cèdre sculpté", "مائدة من خشب الأرز المنقوش", 1500, 4500),
        ("Coffre en cèdre", "صندوق من خشب الأرز", 800, 2500),
        ("Paravent en moucharabieh", "ستار من المشربية", 2000, 6000),
    ],
    "jewellery": [
        ("Bracelet en argent ciselé", "سوار من الفضة المنقوشة", 400, 1200),
        ("Collier berbère en argent", "قلادة أمازيغية من الفضة", 600, 2000),
        ("Fibule en argent", "خلالة من الفضة", 300, 900),
        ("Bague en argent", "خاتم من الفضة", 150, 450),
    ],
    "caftan": [
        ("Caftan en soie brodé", "قفطان حريري مطرز", 2000, 6000),
        ("Takchita", "تكشيطة", 3000, 9000),
        ("Caftan d'enfant", "قفطان للأطفال", 400, 900),
    ],
    "ceramics": [
        ("Assiette décorative", "صحن للزينة", 80, 250),
        ("Vase en céramique", "مزهرية من الخزف", 150, 450),
        ("Service à thé en céramique", "طقم شاي من الخزف", 250, 600),
    ],
}
# When an organisation's activity cannot be read from its description.
BY_SECTOR = {
    "terroir": "olive_oil", "handicrafts": "pottery", "textiles": "weaving",
    "cosmetics": "cosmetics", "fisheries": "fishing", "agriculture": "goats",
    "tourism": "tourism", "recycling": "recycled",
}
# Activities whose products need cold or water at the booth.
REFRIGERATED = {"goat_cheese", "fishing"}
WATER = {"goat_cheese", "fishing", "pastries", "couscous", "tourism"}

MOTIVATIONS = [
    "Faire connaître nos produits au public de Tétouan et rencontrer des acheteurs.",
    "Le salon est notre principale vitrine de l'année : nous y réalisons une bonne part de "
    "nos ventes.",
    "Nous voulons trouver des distributeurs et apprendre à vendre en ligne lors des ateliers.",
    "Présenter nos nouveaux produits et nos emballages, et rencontrer les plateformes de vente.",
    "نرغب في التعريف بمنتوجاتنا لدى زوار المعرض ولقاء المشترين.",
    "المعرض فرصة لتسويق منتوجاتنا والاستفادة من الورشات التكوينية.",
    "نبحث عن شركاء لتوزيع منتوجاتنا خارج الجهة.",
]
COMMENTS = [
    "Produits de qualité, emballage à améliorer.",
    "Bon potentiel commercial ; prix cohérents.",
    "Dossier complet, structure dynamique.",
    "Prix élevés pour le public du salon.",
    "Savoir-faire remarquable, à mettre en avant.",
    "Peu de nouveautés depuis la dernière édition.",
    "منتوجات جيدة تحتاج إلى تحسين التغليف.",
    "ملف متكامل وتعاونية نشيطة.",
]
# fmt: on

# The default rubric (services.DEFAULT_CRITERIA), by position: what lifts each mark.
QUALITY, INNOVATION, LOCAL_VALUE, ENVIRONMENT, INCLUSION, SALES = range(6)


def load(
    editions: dict[int, Edition],
    everyone: dict[str, Organisation],
    organisations: dict[str, Organisation],
):
    """Loads the call of the reference edition and everything hanging from it. ``everyone``
    holds the demo's organisations by slug, ``organisations`` the hand-written ones by key."""
    rng = random.Random(SEED)
    edition = editions[data.REFERENCE_EDITION]
    organiser = User.objects.get(username="organiser")
    reviewers = list(User.objects.filter(username__in=REVIEWERS).order_by("username"))
    # The demo's own organisations only (one added by hand changes no draw), in slug order:
    # slugs are stable, so the order is the same on every load.
    pool = [everyone[slug] for slug in sorted(everyone) if everyone[slug].kind in EXHIBITING_KINDS]
    special = {organisations[key].pk for key in MUST_EXHIBIT + ["exhibitor-cooperative"]}

    load_past_exhibitors(rng, editions, pool)
    call = load_call(edition)
    applicants = draw_applicants(rng, pool, special)
    applications = load_applications(rng, call, applicants, organisations)
    load_products(rng, applications)
    load_reviews(rng, call, applications, reviewers, organiser, special)
    select(call, organiser, organisations)
    return call


# --- The earlier editions --------------------------------------------------------------------


def load_past_exhibitors(rng, editions, pool):
    """Who exhibited in 2019 and 2022: those applying again in 2024 are not first-timers."""
    for number, count in PAST_EXHIBITORS.items():
        edition = editions[number]
        founded = [o for o in pool if o.founded_on and o.founded_on < edition.starts_on]
        chosen = rng.sample(founded, count)
        created_at = datetime.datetime.combine(
            edition.starts_on - datetime.timedelta(days=30), datetime.time(9), datetime.UTC
        )
        Exhibitor.objects.bulk_create(
            [
                Exhibitor(
                    edition=edition,
                    organisation=o,
                    booth_size=BoothSize.SMALL,
                    created_at=created_at,
                )
                for o in chosen
            ],
            ignore_conflicts=True,
        )


# --- The call --------------------------------------------------------------------------------


def load_call(edition: Edition) -> Call:
    call, _ = Call.objects.update_or_create(
        edition=edition, defaults={**CALL, "decisions_published_at": None}
    )
    for order, (name_ar, name_fr, weight) in enumerate(services.DEFAULT_CRITERIA):
        Criterion.objects.update_or_create(
            call=call,
            order=order,
            defaults={"name_ar": name_ar, "name_fr": name_fr, "weight": weight},
        )
    for order, (name_ar, name_fr) in enumerate(services.DEFAULT_DOCUMENTS):
        RequiredDocument.objects.update_or_create(
            call=call, order=order, defaults={"name_ar": name_ar, "name_fr": name_fr}
        )
    for sector, (minimum, maximum) in SECTOR_QUOTAS.items():
        SectorQuota.objects.update_or_create(
            call=call, sector=sector, defaults={"minimum": minimum, "maximum": maximum}
        )
    call.sector_quotas.exclude(sector__in=SECTOR_QUOTAS).delete()
    return call


# --- Applications ----------------------------------------------------------------------------


def draw_applicants(rng, pool, special) -> list[Organisation]:
    """All but a few of the region's exhibiting organisations apply. Women's cooperatives all
    do: the call reserves them 30 % of the places, which the region's ESS networks make known."""
    optional = [
        o for o in pool if o.pk not in special and not (o.kind == Kind.COOPERATIVE and o.women_led)
    ]
    staying_home = set(rng.sample([o.pk for o in optional], len(pool) - APPLICATIONS))
    return [o for o in pool if o.pk not in staying_home]


def activity_of(organisation: Organisation) -> str:
    """The activity (or craft) the organisation was drawn with, read back from its description
    (loader.describe_applicant and describe_artisan write it there)."""
    if organisation.kind == Kind.ARTISAN:
        for key, craft in data.CRAFTS.items():
            if f"en {craft.name_fr} à" in organisation.description_fr:
                return key
    else:
        for key, activity in data.ACTIVITIES.items():
            if activity.products_fr in organisation.description_fr:
                return key
    return BY_SECTOR.get(organisation.sector, "olive_oil")


def load_applications(rng, call, applicants, organisations) -> list[Application]:
    exhibitor_coop = organisations["exhibitor-cooperative"]
    exhibitor = User.objects.get(username="exhibitor")
    past = set(
        Exhibitor.objects.filter(edition__series_id=call.edition.series_id)
        .exclude(edition=call.edition)
        .values_list("organisation_id", flat=True)
    )
    opens = datetime.datetime.combine(call.opens_on, datetime.time(8), datetime.UTC)
    span = (call.closes_on - call.opens_on).days * 86400 + 10 * 3600
    rows = []
    for organisation in applicants:
        activity = activity_of(organisation)
        # Many apply in the last days before the deadline.
        submitted_at = opens + datetime.timedelta(seconds=int(rng.triangular(0, span, span * 0.9)))
        booth = (
            BoothSize.SMALL
            if organisation.kind == Kind.ARTISAN
            else rng.choices(list(BoothSize), weights=[6, 3, 1])[0]
        )
        rows.append(
            Application(
                call=call,
                organisation=organisation,
                created_by=exhibitor if organisation.pk == exhibitor_coop.pk else None,
                status=Application.Status.SUBMITTED,
                decision=Application.Decision.PENDING,
                motivation=rng.choice(MOTIVATIONS),
                booth_size=booth,
                electricity=rng.random() < 0.6,
                water=activity in WATER and rng.random() < 0.7,
                refrigeration=activity in REFRIGERATED,
                first_time=organisation.pk not in past,
                submitted_at=submitted_at,
                withdrawn_at=None,
                score=None,
                rank=None,
                reason={},
                pinned=None,
                override_reason="",
                overridden_by=None,
                decided_at=None,
                notified_decision="",
            )
        )
    fields = [
        f.name
        for f in Application._meta.concrete_fields
        if f.name not in ("id", "call", "organisation")
    ]
    Application.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["call", "organisation"], update_fields=fields
    )
    by_organisation = {
        a.organisation_id: a
        for a in call.applications.select_related("organisation").order_by("id")
    }
    return [by_organisation[o.pk] for o in applicants]


def load_products(rng, applications):
    """Two to six products each, drawn from the list of the applicant's activity."""
    ApplicationProduct.objects.filter(application__in=applications).delete()
    rows = []
    for application in applications:
        choices = PRODUCTS[activity_of(application.organisation)]
        count = min(rng.randint(2, 6), len(choices))
        for order, (name_fr, name_ar, low, high) in enumerate(rng.sample(choices, count)):
            price = Decimal(rng.randint(low, high))
            if high <= 100:  # small items are priced to the half dirham
                price += Decimal("0.50") * rng.randint(0, 1)
            rows.append(
                ApplicationProduct(
                    application=application,
                    name_fr=name_fr,
                    name_ar=name_ar,
                    price=price,
                    order=order,
                )
            )
    ApplicationProduct.objects.bulk_create(rows, batch_size=500)


# --- Reviews ---------------------------------------------------------------------------------


def load_reviews(rng, call, applications, reviewers, organiser, special):
    """Two reviewers per application, in turn, each marking the six criteria from what the
    organisation is (an unseen quality, plus what each criterion looks at) and their own bias."""
    criteria = list(call.criteria.order_by("order"))
    weights = {c.pk: c.weight for c in criteria}
    rows, marks_by_pair = [], {}
    for index, application in enumerate(applications):
        organisation = application.organisation
        quality = min(9.5, max(2.0, rng.gauss(6.3, 1.4)))
        if application.organisation_id in special:
            quality = max(quality, 8.0)
        pair = [reviewers[index % len(reviewers)], reviewers[(index + 1) % len(reviewers)]]
        for reviewer in pair:
            noise = rng.gauss(0, 1.8) if rng.random() < 0.06 else 0.0  # a strong disagreement
            marks = {}
            for position, criterion in enumerate(criteria):
                value = quality + REVIEWER_BIAS[reviewer.username] + noise + rng.gauss(0, 0.9)
                value += lift(position, organisation, application)
                marks[criterion.pk] = int(min(10, max(0, round(value))))
            total = scoring.weighted_total(marks, weights)
            submitted_at = ASSIGNED_AT + datetime.timedelta(
                days=rng.randint(1, 14), hours=rng.randint(0, 9)
            )
            comment = rng.choice(COMMENTS) if rng.random() < 0.4 else ""
            rows.append(
                Review(
                    application=application,
                    reviewer=reviewer,
                    assigned_at=ASSIGNED_AT,
                    assigned_by=organiser,
                    submitted_at=submitted_at,
                    comment=comment,
                    total=total,
                )
            )
            marks_by_pair[(application.pk, reviewer.pk)] = marks
    Review.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["application", "reviewer"],
        update_fields=["assigned_at", "assigned_by", "submitted_at", "comment", "total"],
        batch_size=500,
    )
    reviews = Review.objects.filter(application__call=call).values_list(
        "pk", "application_id", "reviewer_id"
    )
    scores = []
    stale = []
    for pk, application_id, reviewer_id in reviews:
        marks = marks_by_pair.get((application_id, reviewer_id))
        if marks is None:
            stale.append(pk)
            continue
        scores += [Score(review_id=pk, criterion_id=c, value=v) for c, v in marks.items()]
    Review.objects.filter(pk__in=stale).delete()
    Score.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["review", "criterion"],
        update_fields=["value"],
        batch_size=1000,
    )


def lift(position: int, organisation: Organisation, application: Application) -> float:
    """What a criterion sees beyond the overall quality."""
    if position == INCLUSION and organisation.women_led:
        return 1.5
    if position == ENVIRONMENT and organisation.eco_friendly:
        return 3.0
    if position == LOCAL_VALUE and organisation.craft_at_risk:
        return 2.0
    if position == INNOVATION and application.first_time:
        return 0.5
    return 0.0


# --- The selection ---------------------------------------------------------------------------


def select(call: Call, organiser: User, organisations: dict[str, Organisation]):
    """Runs the real selection; pins (with a reason) the award winners it left out, if any, and
    runs it again; then publishes the decisions without messaging anyone."""
    call.runs.all().delete()
    for key, reason in PINNED.items():
        services.override(
            actor=organiser,
            application=application_of(call, organisations[key]),
            accept=True,
            reason=reason,
        )
    services.run_selection(actor=organiser, call=call)
    missing = [
        application
        for key in MUST_EXHIBIT
        if (application := application_of(call, organisations[key])).decision
        != Application.Decision.ACCEPTED
    ]
    for application in missing:
        services.override(
            actor=organiser, application=application, accept=True, reason=PIN_IF_NEEDED
        )
    if missing:
        services.run_selection(actor=organiser, call=call)
    submitted = call.applications.filter(status=Application.Status.SUBMITTED)
    submitted.update(notified_decision=F("decision"), decided_at=SELECTED_AT)
    call.runs.update(run_at=SELECTED_AT)
    services.publish_decisions(actor=organiser, call=call)
    Call.objects.filter(pk=call.pk).update(decisions_published_at=PUBLISHED_AT)
    Exhibitor.objects.filter(edition=call.edition, application__isnull=False).update(
        created_at=PUBLISHED_AT
    )


def application_of(call: Call, organisation: Organisation) -> Application:
    return call.applications.get(organisation=organisation)
