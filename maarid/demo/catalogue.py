"""The catalogue of the reference fair: about 1,500 products of its 165 exhibitors, with prices,
labels, stock for the edition and a generated photo each (DESIGN.md, issue 4 item 8).

Each exhibitor's products are the ones its accepted application listed (exhibitors.py), then
others drawn from lists that fit its activity, until the fair holds ``TOTAL`` products. Photos
are drawn here, never fetched: a square in the colour of the category with the product's
initials, Latin and Arabic.

The rules of loader.py hold here too:

- Deterministic. Everything is drawn from ``random.Random(2024)`` (an instance of its own) and
  the fixed lists below, going through the exhibitors in the order of their slugs.
- Idempotent. Products are keyed by their slug, made from the French name like
  ``catalogue.models.unique_slug`` would (``miel-de-thym``, ``miel-de-thym-2`` …) but among the
  demo's own products only, so the same product gets the same slug on every load. Stock is keyed
  by product and edition, the demo photo by its folder; an image is drawn only if its file is not
  there yet, under a name that changes when the picture would.

The products an application listed are linked to its rows (``Product.from_application``): if
the catalogue turned them into products already on acceptance, those rows are taken over rather
than duplicated.
"""

import functools
import hashlib
import io
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from maarid.catalogue import taxonomy
from maarid.catalogue.models import Category, Label, Product, ProductPhoto, Stock, Unit
from maarid.catalogue.models import search_text as product_search_text
from maarid.exhibitors.models import ApplicationProduct, Exhibitor
from maarid.registry.models import Kind

from . import exhibitors

SEED = 2024
TOTAL = 1500
CREATED_AT = exhibitors.PUBLISHED_AT  # the products come with the acceptance
PHOTO_FOLDER = "products/demo"
PHOTO_SIZE = 480
# The search example of issue 4: "زيت الاركان", "زيت الأركان" and "huile d'argan" find it.
ARGAN_OIL = ("Huile d'argan", "زيت الأركان")

# Where the protected names apply (province and region codes of registry.places).
ARGAN_REGIONS = {"07", "09", "10"}  # IGP Argane: Essaouira, Souss-Massa, Guelmim
SAFFRON_REGION = "09"  # AOP Safran de Taliouine
ROSE_REGION = "08"  # IGP Rose de Kelâat M'gouna-Dadès
CHEFCHAOUEN = "01.151"  # IGP Fromage de chèvre de Chefchaouen
OUEZZANE = "01.405"  # AOP Huile d'olive d'Ouezzane
# Activities whose cooperatives may be certified organic, and how often.
ORGANIC_ACTIVITIES = {
    "olive_oil", "honey", "aromatic", "argan", "cosmetics", "figs", "saffron", "rose", "dates",
    "goat_cheese",
}  # fmt: skip
ORGANIC_SHARE = 0.2

# fmt: off
# Products by theme: the category they belong to, then French, Arabic, lowest and highest price
# in MAD, and the unit when the name does not tell it (see unit_of).
POOLS = {
    "argan_oil": ("huile-argan", [
        ("Huile d'argan", "زيت الأركان", 250, 450, Unit.LITRE),
        ("Huile d'argan alimentaire (500 ml)", "زيت الأركان الغذائي (500 مل)", 130, 240),
        ("Huile d'argan grillée (250 ml)", "زيت الأركان المحمص (250 مل)", 70, 120),
        ("Huile d'argan cosmétique (50 ml)", "زيت الأركان التجميلي (50 مل)", 30, 60),
        ("Huile d'argan cosmétique bio (100 ml)", "زيت الأركان التجميلي البيولوجي (100 مل)",
         50, 90),
        ("Huile d'argan parfumée à la rose (50 ml)", "زيت الأركان المعطر بالورد (50 مل)", 40, 70),
        ("Coffret huile d'argan et amlou", "علبة هدية زيت الأركان والأملو", 200, 350, Unit.BOX),
    ]),
    "olive_oil": ("huile-olive", [
        ("Huile d'olive vierge extra", "زيت الزيتون البكر الممتاز", 70, 110, Unit.LITRE),
        ("Huile d'olive vierge extra (50 cl)", "زيت الزيتون البكر الممتاز (50 سل)", 40, 60),
        ("Huile d'olive vierge extra (75 cl)", "زيت الزيتون البكر الممتاز (75 سل)", 55, 85),
        ("Huile d'olive pressée à froid (1 L)", "زيت الزيتون المعصور على البارد (1 لتر)", 80, 120),
        ("Huile d'olive de la nouvelle récolte (1 L)", "زيت الزيتون من الجني الجديد (1 لتر)",
         75, 110),
        ("Huile d'olive aromatisée au thym (25 cl)", "زيت الزيتون بنكهة الزعتر (25 سل)", 35, 55),
        ("Huile d'olive aromatisée au piment (25 cl)", "زيت الزيتون بنكهة الفلفل الحار (25 سل)",
         35, 55),
        ("Huile d'olive au citron (25 cl)", "زيت الزيتون بالحامض (25 سل)", 35, 55),
        ("Huile d'olive en bidon de 10 L", "زيت الزيتون في برميل من 10 لترات", 650, 950,
         Unit.PIECE),
        ("Coffret dégustation d'huiles d'olive (3 × 25 cl)", "علبة تذوق زيوت الزيتون (3 × 25 سل)",
         90, 150, Unit.BOX),
    ]),
    "olives": ("conserves", [
        ("Olives violettes (1 kg)", "زيتون بنفسجي (1 كلغ)", 30, 45),
        ("Olives vertes au citron confit (500 g)", "زيتون أخضر بالحامض المصبر (500 غ)", 25, 40),
        ("Olives noires à l'ail (500 g)", "زيتون أسود بالثوم (500 غ)", 25, 40),
        ("Olives piquantes à la harissa (500 g)", "زيتون حار بالهريسة (500 غ)", 25, 40),
        ("Citrons confits (500 g)", "حامض مصبر (500 غ)", 20, 35),
        ("Pâte d'olives noires (200 g)", "معجون الزيتون الأسود (200 غ)", 25, 40),
    ]),
    "soaps": ("cosmetiques", [
        ("Savon noir à l'huile d'olive (500 g)", "الصابون البلدي بزيت الزيتون (500 غ)", 25, 45),
        ("Savon noir à l'eucalyptus (250 g)", "الصابون البلدي بالكاليبتوس (250 غ)", 20, 35),
        ("Savon au lait de chèvre", "صابون بحليب الماعز", 20, 35),
        ("Savon au ghassoul", "صابون بالغاسول", 15, 30),
        ("Savon au miel", "صابون بالعسل", 20, 35),
        ("Gant de kessa", "كيس الحمام", 15, 30),
    ]),
    "cosmetics": ("cosmetiques", [
        ("Ghassoul aux sept plantes (250 g)", "الغاسول بالأعشاب السبعة (250 غ)", 25, 45),
        ("Ghassoul en pierre (500 g)", "حجر الغاسول (500 غ)", 20, 40),
        ("Masque au ghassoul et à la rose (100 g)", "قناع الغاسول بالورد (100 غ)", 30, 50),
        ("Crème à l'huile d'argan (50 ml)", "كريم بزيت الأركان (50 مل)", 60, 110),
        ("Baume à la cire d'abeille (30 ml)", "مرهم بشمع النحل (30 مل)", 40, 70),
        ("Huile de ricin (100 ml)", "زيت الخروع (100 مل)", 30, 50),
        ("Khôl naturel (10 g)", "الكحل الطبيعي (10 غ)", 20, 40),
        ("Écorce de noyer (souak)", "السواك", 10, 20),
        ("Huile de massage aux plantes (100 ml)", "زيت التدليك بالأعشاب (100 مل)", 50, 80),
        ("Coffret hammam (savon noir, ghassoul, kessa)", "علبة الحمام (صابون بلدي، غاسول، كيس)",
         90, 160, Unit.BOX),
    ]),
    "rose": ("cosmetiques", [
        ("Eau de rose distillée (500 ml)", "ماء الورد المقطر (500 مل)", 40, 70),
        ("Crème à la rose (50 ml)", "كريم الورد (50 مل)", 50, 90),
        ("Huile de rose pour le corps (100 ml)", "زيت الورد للجسم (100 مل)", 60, 100),
        ("Poudre de rose (100 g)", "مسحوق الورد (100 غ)", 30, 50),
        ("Collier de boutons de rose", "قلادة الورد المجفف", 20, 40),
        ("Coffret de la rose", "علبة هدية الورد", 150, 280, Unit.BOX),
    ]),
    "honey": ("miel", [
        ("Miel de thym", "عسل الزعتر", 280, 400, Unit.KG),
        ("Miel d'euphorbe", "عسل الدغموس", 300, 400, Unit.KG),
        ("Miel d'euphorbe (500 g)", "عسل الدغموس (500 غ)", 150, 200),
        ("Miel de fleur d'oranger", "عسل زهر البرتقال", 180, 280, Unit.KG),
        ("Miel de fleur d'oranger (500 g)", "عسل زهر البرتقال (500 غ)", 90, 140),
        ("Miel de jujubier (500 g)", "عسل السدر (500 غ)", 150, 200),
        ("Miel de caroubier (500 g)", "عسل الخروب (500 غ)", 100, 150),
        ("Miel d'arbousier (250 g)", "عسل الساسنو (250 غ)", 80, 100),
        ("Miel de lavande (500 g)", "عسل الخزامى (500 غ)", 100, 160),
        ("Miel de romarin (500 g)", "عسل إكليل الجبل (500 غ)", 90, 140),
        ("Miel d'eucalyptus", "عسل الكاليبتوس", 150, 220, Unit.KG),
        ("Miel au safran (250 g)", "عسل بالزعفران (250 غ)", 90, 150),
        ("Coffret trois miels (3 × 250 g)", "علبة ثلاثة أنواع من العسل (3 × 250 غ)", 200, 300,
         Unit.BOX),
    ]),
    "bee_products": ("miel", [
        ("Gelée royale (10 g)", "غذاء ملكات النحل (10 غ)", 80, 150),
        ("Pollen de montagne (500 g)", "حبوب اللقاح الجبلية (500 غ)", 100, 160),
        ("Teinture de propolis (15 ml)", "صبغة العكبر (15 مل)", 40, 70),
        ("Miel en rayon (500 g)", "عسل بالشهد (500 غ)", 150, 200),
        ("Bougie en cire d'abeille", "شمعة من شمع النحل", 25, 60),
    ]),
    "amlou": ("amlou", [
        ("Amlou", "أملو", 200, 320, Unit.KG),
        ("Amlou aux amandes et à l'huile d'argan (500 g)", "أملو باللوز وزيت الأركان (500 غ)",
         110, 180),
        ("Amlou au miel (250 g)", "أملو بالعسل (250 غ)", 70, 110),
        ("Amlou aux cacahuètes (250 g)", "أملو بالكاوكاو (250 غ)", 35, 60),
        ("Amlou aux noix (250 g)", "أملو بالجوز (250 غ)", 60, 100),
    ]),
    "couscous": ("couscous-pates", [
        ("Couscous de maïs (1 kg)", "كسكس الذرة (1 كلغ)", 20, 35),
        ("Couscous complet (1 kg)", "كسكس كامل (1 كلغ)", 25, 40),
        ("Couscous de frik (1 kg)", "كسكس الفريك (1 كلغ)", 35, 55),
        ("Belboula d'orge (1 kg)", "بلبولة الشعير (1 كلغ)", 20, 35),
        ("Mhamsa (500 g)", "المحمصة (500 غ)", 20, 35),
        ("Rechta (500 g)", "الرشتة (500 غ)", 20, 35),
        ("Trid (500 g)", "التريد (500 غ)", 30, 50),
        ("Semoule fine de blé dur (1 kg)", "سميدة القمح الصلب الرقيقة (1 كلغ)", 15, 25),
    ]),
    "pastries": ("couscous-pates", [
        ("Msemen (lot de 10)", "المسمن (10 حبات)", 25, 45),
        ("Baghrir (lot de 10)", "البغرير (10 حبات)", 25, 45),
        ("Harcha (lot de 10)", "الحرشة (10 حبات)", 20, 35),
        ("Briouates aux amandes (1 kg)", "البريوات باللوز (1 كلغ)", 140, 220),
        ("Krichlat au sésame (500 g)", "الكريشلات بالجنجلان (500 غ)", 30, 50),
        ("Makrout aux dattes (1 kg)", "المقروط بالتمر (1 كلغ)", 90, 140),
        ("Pain d'orge", "خبز الشعير", 5, 10),
        ("Assortiment de gâteaux marocains (1 kg)", "تشكيلة حلويات مغربية (1 كلغ)", 150, 250),
    ]),
    "dates": ("dattes", [
        ("Dattes Jihel (1 kg)", "تمر الجيهل (1 كلغ)", 30, 50),
        ("Dattes Bouskri (1 kg)", "تمر بوسكري (1 كلغ)", 40, 70),
        ("Dattes Mejhoul calibre jumbo (1 kg)", "تمر المجهول الحجم الكبير (1 كلغ)", 150, 220),
        ("Sirop de dattes (500 g)", "رب التمر (500 غ)", 40, 70),
        ("Confiture de dattes (350 g)", "مربى التمر (350 غ)", 30, 45),
        ("Café de noyaux de dattes (250 g)", "قهوة نوى التمر (250 غ)", 40, 70),
        ("Coffret de dattes Mejhoul (500 g)", "علبة تمر المجهول (500 غ)", 70, 110, Unit.BOX),
    ]),
    "herbs": ("plantes-aromatiques", [
        ("Menthe séchée (100 g)", "نعناع مجفف (100 غ)", 10, 20),
        ("Sauge (50 g)", "السالمية (50 غ)", 10, 20),
        ("Armoise chiba (50 g)", "الشيبة (50 غ)", 10, 20),
        ("Lavande séchée (100 g)", "الخزامى المجففة (100 غ)", 15, 30),
        ("Camomille (50 g)", "البابونج (50 غ)", 15, 25),
        ("Pouliot fliyou (50 g)", "الفليو (50 غ)", 10, 20),
        ("Marjolaine (50 g)", "المردقوش (50 غ)", 10, 20),
        ("Laurier (50 g)", "ورق الغار (50 غ)", 8, 15),
        ("Mélange pour thé aux herbes (100 g)", "خليط أعشاب الشاي (100 غ)", 20, 35),
        ("Thym de montagne (250 g)", "زعتر الجبل (250 غ)", 30, 50),
        ("Graines de nigelle (100 g)", "الحبة السوداء (100 غ)", 15, 25),
        ("Eau de fleur d'oranger (500 ml)", "ماء الزهر (500 مل)", 30, 50),
    ]),
    "essential_oils": ("plantes-aromatiques", [
        ("Huile essentielle de thym (10 ml)", "زيت الزعتر الأساسي (10 مل)", 40, 70),
        ("Huile essentielle de lavande (10 ml)", "زيت الخزامى الأساسي (10 مل)", 40, 70),
        ("Huile essentielle d'eucalyptus (10 ml)", "زيت الكاليبتوس الأساسي (10 مل)", 30, 60),
        ("Huile essentielle de myrte (10 ml)", "زيت الريحان الأساسي (10 مل)", 50, 90),
        ("Hydrolat de lavande (250 ml)", "ماء الخزامى (250 مل)", 25, 45),
        ("Hydrolat de romarin (250 ml)", "ماء إكليل الجبل (250 مل)", 25, 45),
    ]),
    "saffron": ("safran", [
        ("Safran en filaments (0,5 g)", "زعفران حر (0,5 غ)", 20, 35),
        ("Safran en filaments (2 g)", "زعفران حر (2 غ)", 70, 120),
        ("Safran en filaments (10 g)", "زعفران حر (10 غ)", 300, 500),
        ("Safran en poudre (1 g)", "زعفران مطحون (1 غ)", 30, 50),
        ("Coffret cadeau safran (3 g)", "علبة هدية الزعفران (3 غ)", 110, 180),
        ("Bulbes de safran (lot de 20)", "بصيلات الزعفران (20 حبة)", 40, 80),
    ]),
    "cheese": ("laitiers-fromage", [
        ("Fromage de chèvre", "جبن الماعز", 120, 200, Unit.KG),
        ("Fromage de chèvre demi-sec (250 g)", "جبن الماعز نصف المجفف (250 غ)", 40, 65),
        ("Fromage de chèvre aux herbes (250 g)", "جبن الماعز بالأعشاب (250 غ)", 35, 55),
        ("Fromage de chèvre au piment (250 g)", "جبن الماعز بالفلفل الحار (250 غ)", 35, 55),
        ("Fromage de chèvre cendré (250 g)", "جبن الماعز بالرماد (250 غ)", 45, 70),
        ("Fromage de chèvre à l'huile d'olive (bocal de 300 g)",
         "جبن الماعز بزيت الزيتون (برطمان 300 غ)", 50, 80, Unit.JAR),
        ("Lben (1 L)", "اللبن (1 لتر)", 8, 14),
        ("Raïb", "الرايب", 4, 8),
        ("Beurre beldi de chèvre (250 g)", "زبدة الماعز البلدية (250 غ)", 40, 60),
        ("Klila (250 g)", "الكليلة (250 غ)", 30, 50),
    ]),
    "dried_fruit": ("fruits-secs", [
        ("Amandes beldi (1 kg)", "لوز بلدي (1 كلغ)", 120, 180),
        ("Noix (1 kg)", "جوز (1 كلغ)", 80, 140),
        ("Figues séchées en chapelet (1 kg)", "عقد التين المجفف (1 كلغ)", 50, 80),
        ("Figues Nabout (1 kg)", "تين النابوت (1 كلغ)", 60, 100),
        ("Raisins secs (500 g)", "زبيب (500 غ)", 25, 40),
        ("Abricots secs (500 g)", "مشمش مجفف (500 غ)", 40, 60),
        ("Pruneaux (500 g)", "برقوق مجفف (500 غ)", 30, 50),
        ("Mélange de fruits secs (500 g)", "خليط الفواكه الجافة (500 غ)", 60, 90),
        ("Caroube en poudre (500 g)", "مسحوق الخروب (500 غ)", 15, 30),
        ("Cacahuètes grillées (500 g)", "كاوكاو محمص (500 غ)", 15, 25),
        ("Amandes grillées salées (250 g)", "لوز محمص مملح (250 غ)", 40, 60),
    ]),
    "jams": ("conserves", [
        ("Confiture d'orange amère (350 g)", "مربى النارنج (350 غ)", 25, 40),
        ("Confiture de coing (350 g)", "مربى السفرجل (350 غ)", 25, 40),
        ("Confiture de tomates (350 g)", "مربى الطماطم (350 غ)", 20, 35),
        ("Confiture d'abricot (350 g)", "مربى المشمش (350 غ)", 25, 40),
        ("Confiture de mûres sauvages (350 g)", "مربى التوت البري (350 غ)", 35, 50),
        ("Confiture de citrouille (350 g)", "مربى القرع (350 غ)", 20, 35),
        ("Confiture d'arbouses (350 g)", "مربى الساسنو (350 غ)", 35, 55),
        ("Sirop de grenade (50 cl)", "شراب الرمان (50 سل)", 25, 40),
        ("Vinaigre de figue de Barbarie (50 cl)", "خل الهندية (50 سل)", 30, 50),
        ("Harissa beldi (200 g)", "هريسة بلدية (200 غ)", 15, 30),
    ]),
    "fish": ("conserves", [
        ("Anchois marinés (250 g)", "أنشوبة متبلة (250 غ)", 35, 55),
        ("Sardines à l'huile d'olive (200 g)", "سردين بزيت الزيتون (200 غ)", 20, 35),
        ("Poulpe séché (500 g)", "أخطبوط مجفف (500 غ)", 90, 150),
        ("Maquereau fumé (500 g)", "إسقمري مدخن (500 غ)", 60, 100),
        ("Pâté de sardines (200 g)", "معجون السردين (200 غ)", 20, 35),
        ("Chermoula pour poisson (200 g)", "شرمولة السمك (200 غ)", 20, 35),
        ("Filets de bonite à l'huile (200 g)", "شرائح البونيت بالزيت (200 غ)", 35, 55),
        ("Poutargue (100 g)", "بطارخ مملحة (100 غ)", 100, 180),
    ]),
    "spices": ("epices", [
        ("Ras el hanout (100 g)", "رأس الحانوت (100 غ)", 20, 40),
        ("Cumin (100 g)", "الكمون (100 غ)", 12, 20),
        ("Paprika doux (100 g)", "الفلفل الأحمر الحلو (100 غ)", 10, 18),
        ("Curcuma (100 g)", "الخرقوم (100 غ)", 12, 20),
        ("Piment fort séché (100 g)", "الفلفل الحار المجفف (100 غ)", 12, 22),
        ("Gingembre moulu (100 g)", "سكين جبير مطحون (100 غ)", 15, 25),
        ("Cannelle en bâtons (100 g)", "عيدان القرفة (100 غ)", 20, 35),
        ("Mélange pour tajine (100 g)", "خليط توابل الطاجين (100 غ)", 15, 30),
        ("Poivre noir (100 g)", "الإبزار الأسود (100 غ)", 20, 30),
        ("Sel aux herbes (200 g)", "ملح بالأعشاب (200 غ)", 15, 25),
        ("Anis vert (100 g)", "حبة حلاوة (100 غ)", 15, 25),
        ("Sésame (250 g)", "الجنجلان (250 غ)", 15, 25),
    ]),
    "pottery": ("poterie", [
        ("Tajine de cuisson (grand modèle)", "طاجين الطهي (حجم كبير)", 60, 120),
        ("Tajine décoratif peint", "طاجين مزخرف للزينة", 80, 200),
        ("Brasero en terre cuite (kanoun)", "كانون فخاري", 40, 90),
        ("Pot de fleurs en terre cuite", "أصيص فخاري", 30, 80),
        ("Gargoulette", "قلة ماء فخارية", 40, 90),
        ("Service à couscous en terre cuite", "طقم الكسكس الفخاري", 180, 400, Unit.SET),
        ("Chandelier en terre cuite", "شمعدان فخاري", 40, 100),
        ("Tasses en terre cuite (lot de 6)", "أكواب فخارية (6 قطع)", 60, 120),
        ("Couscoussier en terre cuite", "كسكاس فخاري", 80, 160),
        ("Encensoir en terre cuite", "مبخرة فخارية", 25, 60),
        ("Tirelire en terre cuite", "حصالة فخارية", 15, 40),
    ]),
    "ceramics": ("poterie", [
        ("Assiette peinte bleu de Fès", "صحن فاسي أزرق مزخرف", 80, 200),
        ("Vase émaillé de Safi", "مزهرية آسفي المطلية", 150, 400),
        ("Plat à tajine émaillé", "طاجين مطلي", 90, 200),
        ("Tasses en céramique (lot de 6)", "فناجين من الخزف (6 قطع)", 120, 250),
        ("Saladier en céramique", "سلطانية من الخزف", 100, 250),
        ("Carreaux de zellige (lot de 10)", "زليج (10 قطع)", 80, 200),
        ("Bougeoir en céramique", "شمعدان من الخزف", 50, 120),
        ("Jarre émaillée", "خابية مطلية", 300, 800),
        ("Sucrier en céramique", "سكرية من الخزف", 60, 150),
    ]),
    "carpets": ("tissage-tapis", [
        ("Tapis berbère en laine (2 × 3 m)", "زربية أمازيغية من الصوف (2 × 3 م)", 5000, 12000),
        ("Tapis berbère en laine (1,5 × 2 m)", "زربية أمازيغية من الصوف (1,5 × 2 م)", 2500, 6000),
        ("Tapis Beni Ouarain (2 × 3 m)", "زربية بني وراين (2 × 3 م)", 7000, 15000),
        ("Kilim tissé main (1,2 × 1,8 m)", "كليم منسوج يدويا (1,2 × 1,8 م)", 1500, 3500),
        ("Hanbel en laine (2 × 3 m)", "حنبل من الصوف (2 × 3 م)", 3000, 7000),
        ("Tapis noué main", "زربية معقودة يدويا", 1500, 2800, Unit.M2),
        ("Tapis de prière tissé main", "سجادة صلاة منسوجة يدويا", 400, 900),
        ("Tapis de couloir (0,8 × 3 m)", "زربية الممر (0,8 × 3 م)", 1800, 4500),
        ("Tapis rifain en laine naturelle (1,5 × 2,5 m)",
         "زربية ريفية من الصوف الطبيعي (1,5 × 2,5 م)", 3000, 7500),
    ]),
    "weaving": ("tissage-tapis", [
        ("Plaid en laine tissé main", "غطاء صوفي منسوج يدويا", 350, 800),
        ("Sac à dos en kilim", "حقيبة ظهر من الكليم", 250, 500),
        ("Pochette tissée", "محفظة منسوجة", 60, 150),
        ("Coussin en kilim", "وسادة من الكليم", 150, 300),
        ("Écharpe en laine tissée main", "وشاح صوفي منسوج يدويا", 150, 350),
        ("Nappe tissée", "مفرش منسوج", 200, 450),
        ("Tenture murale tissée", "زربية حائطية منسوجة", 400, 1200),
        ("Sac en laine tissée", "حقيبة من الصوف المنسوج", 150, 350),
        ("Couvre-lit tissé (2 × 2,5 m)", "غطاء سرير منسوج (2 × 2,5 م)", 900, 2200),
        ("Mendil jebli", "منديل جبلي", 200, 400),
    ]),
    "embroidery": ("broderie", [
        ("Drap brodé", "ملاءة مطرزة", 400, 900),
        ("Housses de coussin brodées (lot de 2)", "أغطية وسائد مطرزة (قطعتان)", 200, 400),
        ("Napperon brodé", "مفرش صغير مطرز", 60, 150),
        ("Rideau brodé", "ستار مطرز", 400, 1000),
        ("Trousse brodée", "محفظة مطرزة", 50, 120),
        ("Taies d'oreiller brodées (lot de 2)", "أغطية مخدات مطرزة (قطعتان)", 150, 300),
        ("Chemin de table brodé", "مفرش طاولة طويل مطرز", 200, 450),
        ("Mouchoirs brodés (lot de 6)", "مناديل جيب مطرزة (6 قطع)", 80, 180),
        ("Parure de lit brodée", "طقم سرير مطرز", 900, 2500, Unit.SET),
        ("Tablier brodé", "مئزر مطرز", 80, 180),
    ]),
    "leather": ("cuir", [
        ("Sacoche en cuir", "محفظة كتف جلدية", 200, 450),
        ("Sac à main en cuir tressé", "حقيبة يد من الجلد المضفور", 350, 800),
        ("Cartable en cuir", "محفظة مدرسية جلدية", 400, 900),
        ("Portefeuille en cuir", "حافظة نقود جلدية", 80, 200),
        ("Couverture de carnet en cuir", "غلاف دفتر جلدي", 60, 150),
        ("Porte-clés en cuir", "حامل مفاتيح جلدي", 15, 40),
        ("Sandales en cuir", "صندل جلدي", 150, 350),
        ("Pouf en cuir brodé", "بوف جلدي مطرز", 450, 900),
        ("Étui à lunettes en cuir", "علبة نظارات جلدية", 50, 120),
        ("Sac de voyage en cuir", "حقيبة سفر جلدية", 800, 1800),
        ("Chkara (sacoche traditionnelle en cuir)", "الشكارة الجلدية التقليدية", 250, 600),
    ]),
    "babouches": ("cuir", [
        ("Babouches en cuir pour homme", "بلغة جلدية رجالية", 150, 300),
        ("Babouches brodées pour femme", "شربيل نسائي مطرز", 180, 400),
        ("Babouches en cuir de chèvre", "بلغة من جلد الماعز", 120, 250),
        ("Babouches berbères pointues", "بلغة أمازيغية مدببة", 150, 300),
        ("Mules en cuir", "نعال جلدية", 120, 250),
        ("Babouches de hammam", "بلغة الحمام", 60, 120),
    ]),
    "wood": ("bois", [
        ("Boîte en thuya marquetée", "علبة من خشب العرعار المرصع", 120, 350),
        ("Échiquier en thuya", "رقعة شطرنج من خشب العرعار", 400, 1200),
        ("Coffret à bijoux en thuya", "علبة مجوهرات من خشب العرعار", 150, 400),
        ("Sous-verres en thuya (lot de 6)", "حوامل كؤوس من خشب العرعار (6 قطع)", 80, 180),
        ("Cuillères en bois d'olivier (lot de 3)", "ملاعق من خشب الزيتون (3 قطع)", 40, 90),
        ("Planche à découper en olivier", "لوح تقطيع من خشب الزيتون", 80, 200),
        ("Saladier en bois d'olivier", "سلطانية من خشب الزيتون", 150, 350),
        ("Mortier en bois", "مهراز خشبي", 60, 150),
        ("Cadre photo en cèdre sculpté", "إطار صور من خشب الأرز المنقوش", 100, 250),
        ("Porte-encens en thuya", "مبخرة من خشب العرعار", 60, 150),
        ("Tabouret en bois peint", "كرسي صغير من الخشب المزوق", 250, 600),
        ("Étagère murale en cèdre", "رف حائطي من خشب الأرز", 300, 800),
    ]),
    "instruments": ("bois", [
        ("Guembri", "كمبري", 800, 2500),
        ("Loutar", "لوتار", 600, 1800),
        ("Qraqeb (paire)", "قراقب (زوج)", 150, 350, Unit.SET),
        ("Flûte en roseau (nay)", "ناي من القصب", 80, 250),
        ("Tar (tambourin à cymbalettes)", "طار", 150, 350),
    ]),
    "basketry": ("vannerie", [
        ("Panier à provisions en doum", "قفة التسوق من الدوم", 60, 140),
        ("Corbeille en osier", "سلة من الخيزران", 60, 150),
        ("Sac de plage en palmier", "حقيبة الشاطئ من سعف النخيل", 80, 180),
        ("Sets de table en doum (lot de 6)", "مفارش مائدة من الدوم (6 قطع)", 60, 140),
        ("Éventail en doum", "مروحة من الدوم", 15, 35),
        ("Plateau en osier", "صينية من الخيزران", 80, 180),
        ("Tbiqa (corbeille à pain tressée)", "الطبيقة", 40, 100),
        ("Corbeille à fruits en alfa", "سلة الفواكه من الحلفاء", 50, 120),
        ("Cabas en feuilles de palmier", "قفة من سعف النخيل", 60, 140),
        ("Abat-jour en doum", "غطاء مصباح من الدوم", 120, 280),
    ]),
    "jewellery": ("bijoux", [
        ("Boucles d'oreilles en argent filigrané", "أقراط من الفضة المخرمة", 200, 600),
        ("Collier en ambre et argent", "قلادة من العنبر والفضة", 500, 1800),
        ("Bracelet berbère en argent émaillé", "سوار أمازيغي من الفضة المطلية بالمينا", 600, 1800),
        ("Pendentif main de Fatma en argent", "قلادة الخميسة من الفضة", 150, 450),
        ("Parure berbère en argent", "طقم حلي أمازيغي من الفضة", 2000, 6000, Unit.SET),
        ("Chaîne de cheville en argent", "خلخال من الفضة", 200, 600),
        ("Broche en argent ciselé", "بروش من الفضة المنقوشة", 150, 400),
        ("Bague en argent et ambre", "خاتم من الفضة والعنبر", 200, 600),
        ("Bracelet en perles et argent", "سوار من الخرز والفضة", 150, 400),
        ("Diadème berbère (taounza)", "التاونزا الأمازيغية", 1500, 4000),
    ]),
    "coral": ("bijoux", [
        ("Pendentif en corail rouge", "قلادة صغيرة من المرجان الأحمر", 300, 900),
        ("Collier de perles de corail", "عقد من حبات المرجان", 800, 3000),
        ("Chapelet en corail", "سبحة من المرجان", 500, 1500),
        ("Boutons de manchette en corail", "أزرار أكمام من المرجان", 300, 900, Unit.SET),
        ("Broche en corail et argent", "بروش من المرجان والفضة", 300, 900),
    ]),
    "recycled": ("recyclage", [
        ("Tapis en sacs plastiques recyclés", "زربية من الأكياس البلاستيكية المعاد تدويرها",
         250, 700),
        ("Panier en fils électriques recyclés", "سلة من الأسلاك الكهربائية المعاد تدويرها",
         80, 200),
        ("Lampe en bouteilles recyclées", "مصباح من القنينات المعاد تدويرها", 120, 300),
        ("Trousse en chambre à air recyclée", "محفظة من العجلات الداخلية المعاد تدويرها", 40, 100),
        ("Cabas en sachets tressés", "قفة من الأكياس المضفورة", 60, 150),
        ("Portefeuille en bâches recyclées", "حافظة نقود من المشمعات المعاد تدويرها", 40, 100),
        ("Bijoux en papier recyclé", "حلي من الورق المعاد تدويره", 30, 80),
        ("Jardinière en pneu recyclé", "أصيص من إطار معاد تدويره", 80, 200),
        ("Cahier en papier recyclé", "دفتر من الورق المعاد تدويره", 20, 50),
        ("Sac en jean recyclé", "حقيبة من الجينز المعاد تدويره", 80, 200),
    ]),
    "copper": ("dinanderie", [
        ("Grande lanterne en cuivre ajouré", "فانوس نحاسي مخرم كبير", 600, 1800),
        ("Plateau en laiton gravé (60 cm)", "صينية نحاسية منقوشة (60 سم)", 500, 1500),
        ("Bassine et aiguière (tass)", "الطاس والإبريق", 400, 1200, Unit.SET),
        ("Sucrier en cuivre", "سكرية نحاسية", 150, 400),
        ("Lustre en cuivre ciselé", "ثريا نحاسية منقوشة", 1500, 4500),
        ("Applique murale en laiton", "مصباح حائطي نحاسي", 300, 800),
        ("Miroir à cadre de cuivre", "مرآة بإطار نحاسي", 400, 1200),
        ("Verres à thé sertis de cuivre (lot de 6)", "كؤوس شاي مزينة بالنحاس (6 قطع)", 120, 300),
        ("Marmite en cuivre étamé", "قدر نحاسي مقصدر", 400, 1000),
        ("Bougeoir en laiton", "شمعدان نحاسي", 100, 300),
        ("Encensoir en cuivre", "مبخرة نحاسية", 120, 350),
    ]),
    "clothes": ("vetements", [
        ("Jellaba en laine pour homme", "جلابة صوفية رجالية", 700, 1800),
        ("Selham en laine", "سلهام من الصوف", 1200, 3500),
        ("Jabador pour homme", "جبادور رجالي", 500, 1200),
        ("Caftan de fête brodé", "قفطان مناسبات مطرز", 2500, 7000),
        ("Gilet brodé", "صدرية مطرزة", 300, 700),
        ("Foulard en soie", "وشاح من الحرير", 120, 300),
        ("Tunique brodée", "قميص نسائي مطرز", 250, 600),
        ("Jabador pour enfant", "جبادور للأطفال", 250, 500),
        ("Jellaba d'été en coton", "جلابة صيفية من القطن", 400, 900),
        ("Tarbouche fassi", "طربوش فاسي", 80, 200),
        ("Ceinture de caftan brodée (mdamma)", "حزام القفطان المطرز (المضمة)", 300, 1200),
    ]),
    "tourism": ("tourisme-solidaire", [
        ("Séjour de deux nuits en gîte (pension complète)",
         "إقامة ليلتين في مأوى قروي (إقامة كاملة)", 900, 1500),
        ("Visite guidée d'une coopérative", "زيارة مرفقة لتعاونية", 50, 120),
        ("Balade à dos de mulet", "جولة على ظهر البغل", 100, 200),
        ("Excursion aux cascades d'Akchour", "رحلة إلى شلالات أقشور", 200, 400),
        ("Nuit chez l'habitant", "ليلة عند الساكنة المحلية", 200, 350),
        ("Atelier de poterie pour visiteurs", "ورشة الفخار للزوار", 100, 200),
    ]),
}

# The themes each activity (exhibitors.activity_of) draws its products from, the first one most.
ACTIVITY_POOLS = {
    "olive_oil": ["olive_oil", "olives", "soaps"],
    "honey": ["honey", "bee_products", "amlou"],
    "goat_cheese": ["cheese"],
    "couscous": ["couscous", "pastries", "spices"],
    "aromatic": ["herbs", "essential_oils", "spices"],
    "figs": ["dried_fruit", "jams"],
    "red_fruits": ["jams", "dried_fruit"],
    "pastries": ["pastries", "couscous"],
    "cosmetics": ["cosmetics", "soaps", "rose", "argan_oil"],
    "fishing": ["fish"],
    "goats": ["cheese"],
    "tourism": ["tourism"],
    "pottery": ["pottery", "ceramics"],
    "weaving": ["carpets", "weaving"],
    "embroidery": ["embroidery", "clothes"],
    "leather": ["leather", "babouches"],
    "wood": ["wood"],
    "basketry": ["basketry"],
    "recycled": ["recycled"],
    "sewing": ["clothes", "embroidery"],
    "coral": ["coral", "jewellery"],
    "argan": ["argan_oil", "amlou", "cosmetics"],
    "saffron": ["saffron", "spices", "herbs"],
    "rose": ["rose", "soaps", "cosmetics"],
    "dates": ["dates", "dried_fruit"],
    "zellige": ["ceramics"],
    # Crafts of individual artisans.
    "dinanderie": ["copper"],
    "bziouiya": ["clothes", "weaving"],
    "tarz": ["embroidery"],
    "sellerie": ["leather"],
    "mendil": ["weaving"],
    "rif_pottery": ["pottery"],
    "zouak": ["wood"],
    "instruments": ["instruments"],
    "sfifa": ["clothes"],
    "tarazal": ["basketry"],
    "babouches": ["babouches", "leather"],
    "cabinetry": ["wood"],
    "jewellery": ["jewellery"],
    "caftan": ["clothes", "embroidery"],
    "ceramics": ["ceramics", "pottery"],
}
# Always among the products of an exhibitor of this activity.
FEATURED = {"argan": [ARGAN_OIL[0]]}

# The category of the products listed in applications (exhibitors.PRODUCTS): the activity's,
# unless the name says otherwise.
ACTIVITY_CATEGORY = {
    "olive_oil": "huile-olive", "honey": "miel", "goat_cheese": "laitiers-fromage",
    "couscous": "couscous-pates", "aromatic": "plantes-aromatiques", "figs": "fruits-secs",
    "red_fruits": "conserves", "pastries": "couscous-pates", "cosmetics": "cosmetiques",
    "fishing": "conserves", "goats": "laitiers-fromage", "tourism": "tourisme-solidaire",
    "pottery": "poterie", "weaving": "tissage-tapis", "embroidery": "broderie",
    "leather": "cuir", "wood": "bois", "basketry": "vannerie", "recycled": "recyclage",
    "sewing": "vetements", "coral": "bijoux", "argan": "huile-argan", "saffron": "safran",
    "rose": "cosmetiques", "dates": "dattes", "zellige": "poterie", "dinanderie": "dinanderie",
    "bziouiya": "vetements", "tarz": "broderie", "sellerie": "cuir", "mendil": "tissage-tapis",
    "rif_pottery": "poterie", "zouak": "bois", "instruments": "bois", "sfifa": "vetements",
    "tarazal": "vannerie", "babouches": "cuir", "cabinetry": "bois", "jewellery": "bijoux",
    "caftan": "vetements", "ceramics": "poterie",
}
NAME_CATEGORY = {
    "Olives vertes cassées (1 kg)": "conserves",
    "Olives noires confites (1 kg)": "conserves",
    "Tapenade d'olives (200 g)": "conserves",
    "Savon à l'huile d'olive": "cosmetiques",
    "Confiture de figue (350 g)": "conserves",
    "Confiture de figue de Barbarie (350 g)": "conserves",
    "Huile de pépins de figue de Barbarie (30 ml)": "cosmetiques",
    "Fraises séchées (200 g)": "fruits-secs",
    "Amlou (250 g)": "amlou",
    "Savon à l'argan": "cosmetiques",
    "Peau de chèvre tannée": "cuir",
    "Écharpe tissée à Bzou": "tissage-tapis",
    "Derbouka en terre cuite": "poterie",
}

# One sentence of description per category (two to choose from), French then Arabic.
TEXTS = {
    "huile-argan": [
        ("Pressée à froid à partir d'amandons concassés à la main.",
         "معصور على البارد من لوز مكسر يدويا."),
        ("Riche en vitamine E, pour la cuisine ou le soin de la peau et des cheveux.",
         "غني بالفيتامين E، للطبخ أو للعناية بالبشرة والشعر."),
    ],
    "huile-olive": [
        ("Olives de la région cueillies à la main, trituration à froid.",
         "زيتون المنطقة مقطوف باليد ومعصور على البارد."),
        ("Récolte 2023, conservée à l'abri de la lumière.", "جني 2023، محفوظ بعيدا عن الضوء."),
    ],
    "miel": [
        ("Miel pur, ni chauffé ni filtré, récolté dans les ruchers de montagne.",
         "عسل حر غير مسخن وغير مصفى، من مناحل الجبل."),
        ("Récolté loin des cultures traitées et mis en pot à la main.",
         "مجني بعيدا عن المزروعات المعالجة ومعبأ يدويا."),
    ],
    "amlou": [
        ("Amandes grillées, huile d'argan et miel broyés à la meule de pierre.",
         "لوز محمص وزيت الأركان والعسل مطحونة بالرحى الحجرية."),
        ("À tartiner au petit-déjeuner, sans conservateur.",
         "يدهن على الخبز في الفطور، بدون مواد حافظة."),
    ],
    "couscous-pates": [
        ("Roulé à la main et séché au soleil, selon les recettes des femmes de la région.",
         "مفتول باليد ومجفف تحت الشمس حسب وصفات نساء المنطقة."),
        ("Préparé avec les céréales de la région, sans additif.",
         "محضر من حبوب المنطقة بدون مضافات."),
    ],
    "dattes": [
        ("Dattes de la palmeraie, cueillies à maturité et triées à la main.",
         "تمور الواحة، مجنية عند النضج ومنتقاة يدويا."),
        ("Riches en fibres et en minéraux.", "غنية بالألياف والمعادن."),
    ],
    "plantes-aromatiques": [
        ("Cueillies dans la montagne et séchées à l'ombre.", "مقطوفة من الجبل ومجففة في الظل."),
        ("Pour le thé, la cuisine et les remèdes de grand-mère.",
         "للشاي والطبخ ووصفات الجدات."),
    ],
    "safran": [
        ("Stigmates cueillis à l'aube et séchés à l'ombre, à l'automne.",
         "مياسم مقطوفة عند الفجر ومجففة في الظل في الخريف."),
        ("Quelques filaments suffisent pour parfumer un tajine ou un thé.",
         "بضع شعيرات تكفي لتعطير طاجين أو شاي."),
    ],
    "laitiers-fromage": [
        ("Fait avec le lait de chèvres élevées en plein air dans la montagne.",
         "مصنوع من حليب ماعز يرعى في الجبل."),
        ("Produit frais, à garder au frais.", "منتوج طري يحفظ في مكان بارد."),
    ],
    "fruits-secs": [
        ("Fruits de la région séchés au soleil, sans sucre ajouté.",
         "فواكه المنطقة مجففة تحت الشمس بدون سكر مضاف."),
        ("Triés à la main et emballés sur place.", "منتقاة يدويا ومعبأة في عين المكان."),
    ],
    "cosmetiques": [
        ("Soin naturel préparé selon les recettes du hammam traditionnel.",
         "منتوج عناية طبيعي محضر حسب وصفات الحمام التقليدي."),
        ("Sans parfum de synthèse ni conservateur.", "بدون عطور اصطناعية أو مواد حافظة."),
    ],
    "epices": [
        ("Séchées et moulues à la pierre, sans colorant.", "مجففة ومطحونة بالحجر بدون ملونات."),
        ("Pour relever tajines, couscous et soupes.", "لإغناء الطواجن والكسكس والحساء."),
    ],
    "conserves": [
        ("Préparé de façon artisanale avec les produits de la saison.",
         "محضر بطريقة تقليدية من منتوجات الموسم."),
        ("Sans conservateur : à garder au frais après ouverture.",
         "بدون مواد حافظة: يحفظ في مكان بارد بعد الفتح."),
    ],
    "poterie": [
        ("Terre cuite façonnée et décorée à la main, cuite au four traditionnel.",
         "فخار مشكل ومزخرف باليد ومطهو في الفرن التقليدي."),
        ("Pièce unique : formes et couleurs varient d'une pièce à l'autre.",
         "قطعة فريدة: تختلف الأشكال والألوان من قطعة لأخرى."),
    ],
    "tissage-tapis": [
        ("Tissé à la main sur un métier traditionnel, en laine filée et teinte naturellement.",
         "منسوج يدويا على المنسج التقليدي من صوف مغزول ومصبوغ طبيعيا."),
        ("Des semaines de travail, motifs transmis de mère en fille.",
         "أسابيع من العمل وزخارف متوارثة من الأم إلى البنت."),
    ],
    "broderie": [
        ("Brodé à la main au fil de soie, selon les motifs traditionnels.",
         "مطرز يدويا بخيط الحرير حسب الزخارف التقليدية."),
        ("Chaque pièce demande plusieurs jours de travail.", "كل قطعة تتطلب عدة أيام من العمل."),
    ],
    "cuir": [
        ("Cuir tanné de façon traditionnelle et cousu à la main.",
         "جلد مدبوغ بالطريقة التقليدية ومخيط باليد."),
        ("Fabriqué à l'atelier, finitions soignées.", "مصنوع في الورشة بتشطيب متقن."),
    ],
    "bois": [
        ("Sculpté, peint ou marqueté à la main.", "منقوش أو مزوق أو مرصع يدويا."),
        ("Bois de thuya, de cèdre ou d'olivier, fini à la cire naturelle.",
         "خشب العرعار أو الأرز أو الزيتون مصقول بالشمع الطبيعي."),
    ],
    "vannerie": [
        ("Tressé à la main en doum, en palmier ou en alfa.",
         "مضفور يدويا من الدوم أو سعف النخيل أو الحلفاء."),
        ("Un savoir-faire des femmes des montagnes, solide et léger.",
         "حرفة نساء الجبال، متينة وخفيفة."),
    ],
    "bijoux": [
        ("Façonné et ciselé à la main à l'atelier.", "مصنوع ومنقوش يدويا في الورشة."),
        ("Inspiré des parures traditionnelles du Maroc.", "مستوحى من الحلي التقليدية المغربية."),
    ],
    "recyclage": [
        ("Fait de matériaux récupérés : un déchet de moins, un objet de plus.",
         "مصنوع من مواد مسترجعة: نفايات أقل وتحفة أكثر."),
        ("Chaque pièce est unique et faite à la main.", "كل قطعة فريدة ومصنوعة يدويا."),
    ],
    "dinanderie": [
        ("Cuivre ou laiton martelé et ciselé à la main, selon les motifs anciens.",
         "نحاس مطروق ومنقوش باليد حسب الزخارف القديمة."),
        ("Un métier rare, transmis de maître à apprenti.",
         "حرفة نادرة متوارثة من المعلم إلى المتعلم."),
    ],
    "vetements": [
        ("Coupé et cousu à la main, finitions en sfifa et aakad.",
         "مفصل ومخيط باليد بتشطيب بالسفيفة والعقاد."),
        ("Sur mesure possible : demandez au stand.", "يمكن التفصيل حسب المقاس: اسألوا في الرواق."),
    ],
    "tourisme-solidaire": [
        ("Une expérience chez les habitants, au profit de la coopérative.",
         "تجربة عند الساكنة المحلية لفائدة التعاونية."),
        ("Réservation au stand ou par téléphone.", "الحجز في الرواق أو عبر الهاتف."),
    ],
}

# The colour of each category's photos.
COLOURS = {
    "huile-argan": "#B7791F", "huile-olive": "#5F7A1F", "miel": "#C98A12", "amlou": "#8B5A2B",
    "couscous-pates": "#D9B77E", "dattes": "#6B3E26", "plantes-aromatiques": "#2F855A",
    "safran": "#C53030", "laitiers-fromage": "#EDE6C9", "fruits-secs": "#9C4221",
    "cosmetiques": "#B83280", "epices": "#DD6B20", "conserves": "#A0303A", "poterie": "#C05621",
    "tissage-tapis": "#9B2C2C", "broderie": "#6B46C1", "cuir": "#7B341E", "bois": "#744210",
    "vannerie": "#B68D40", "bijoux": "#2C5282", "recyclage": "#276749", "dinanderie": "#B45309",
    "vetements": "#2B6CB0", "tourisme-solidaire": "#2C7A7B", "formation": "#4A5568",
}
# fmt: on

FAMILY = {slug: family for family, _, _, leaves in taxonomy.FAMILIES for slug, _, _ in leaves}
JARRED = {"miel", "amlou", "conserves", "laitiers-fromage"}
_VOLUME = re.compile(r"\((\d+(?:,\d+)?) ?(L|cl|ml)\)")
_WEIGHT = re.compile(r"\((\d+(?:,\d+)?) ?(kg|g)\)")


@dataclass(frozen=True)
class Item:
    """A product an exhibitor may bring: from its application (``brought``) or from the lists."""

    name_fr: str
    name_ar: str
    category: str
    unit: str
    low: int = 0
    high: int = 0
    brought: ApplicationProduct | None = None


@dataclass
class Spec:
    """A product of the demo as plain values, before it is written."""

    slug: str
    organisation_id: int
    item: Item
    price: Decimal
    labels: tuple[str, ...]
    quantity: int
    description_fr: str
    description_ar: str


def load(edition) -> int:
    """Loads or refreshes the catalogue of ``edition`` (the reference fair); returns the number
    of its products."""
    rng = random.Random(SEED)
    specs = draw(rng, exhibitors_of(edition))
    products = save_products(specs)
    save_labels(specs, products)
    save_stock(specs, products, edition)
    save_photos(specs, products)
    return len(specs)


def exhibitors_of(edition) -> list[Exhibitor]:
    """The active exhibitors, in the order of their slugs, each with its application's products
    in ``brought``."""
    rows = list(
        Exhibitor.objects.filter(edition=edition, status=Exhibitor.Status.ACTIVE)
        .select_related("organisation__commune", "organisation__province")
        .order_by("organisation__slug")
    )
    brought: dict[int, list[ApplicationProduct]] = {}
    listed = ApplicationProduct.objects.filter(
        application_id__in=[e.application_id for e in rows if e.application_id]
    ).order_by("application_id", "order", "id")
    for product in listed:
        brought.setdefault(product.application_id, []).append(product)
    for exhibitor in rows:
        exhibitor.brought = brought.get(exhibitor.application_id, [])
    return rows


# --- Drawing ---------------------------------------------------------------------------------


def draw(rng: random.Random, rows: list[Exhibitor]) -> list[Spec]:
    """The products of every exhibitor: those of its application, then others of its activity
    drawn at random, so that the fair holds TOTAL products. Touches no database."""
    plans = []
    for exhibitor in rows:
        activity = exhibitors.activity_of(exhibitor.organisation)
        own = [from_application(activity, p) for p in exhibitor.brought]
        plans.append((exhibitor.organisation, activity, own, candidates(rng, activity, own)))
    counts = allocate(rng, plans)
    specs, slugs = [], set()
    for (organisation, activity, own, more), count in zip(plans, counts, strict=True):
        organic = activity in ORGANIC_ACTIVITIES and rng.random() < ORGANIC_SHARE
        for item in own + more[: count - len(own)]:
            specs.append(spec(rng, organisation, item, organic, slugs))
    if not any(s.item.name_fr == ARGAN_OIL[0] for s in specs):
        add_argan_oil(rng, specs, plans, slugs)
    return specs


def from_application(activity: str, product: ApplicationProduct) -> Item:
    category = NAME_CATEGORY.get(product.name_fr, ACTIVITY_CATEGORY.get(activity, "conserves"))
    return Item(
        product.name_fr,
        product.name_ar,
        category,
        unit_of(product.name_fr, category),
        brought=product,
    )


def candidates(rng: random.Random, activity: str, own: list[Item]) -> list[Item]:
    """The other products the exhibitor could bring, most likely first: the featured ones, then
    a weighted shuffle (the activity's own list and its main theme weigh more)."""
    weighted: dict[str, tuple[Item, float]] = {}
    category = ACTIVITY_CATEGORY.get(activity, "conserves")
    for name_fr, name_ar, low, high in exhibitors.PRODUCTS.get(activity, []):
        item_category = NAME_CATEGORY.get(name_fr, category)
        item = Item(name_fr, name_ar, item_category, unit_of(name_fr, item_category), low, high)
        weighted.setdefault(name_fr, (item, 3.0))
    for position, pool in enumerate(ACTIVITY_POOLS.get(activity, [])):
        pool_category, rows = POOLS[pool]
        for row in rows:
            name_fr, name_ar, low, high = row[:4]
            unit = row[4] if len(row) > 4 else unit_of(name_fr, pool_category)
            item = Item(name_fr, name_ar, pool_category, unit, low, high)
            weighted.setdefault(name_fr, (item, 3.0 if position == 0 else 1.0))
    taken = {item.name_fr for item in own}
    featured = [weighted[n][0] for n in FEATURED.get(activity, []) if n not in taken]
    taken.update(item.name_fr for item in featured)
    # Weighted sampling without replacement (Efraimidis–Spirakis): sort by u ** (1 / weight).
    keyed = [
        (rng.random() ** (1 / weight), item)
        for name, (item, weight) in weighted.items()
        if name not in taken
    ]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return featured + [item for _, item in keyed]


def allocate(rng: random.Random, plans) -> list[int]:
    """How many products each exhibitor shows: about nine, fewer for artisans, never fewer than
    its application listed nor more than its lists hold; TOTAL in all."""
    weights = [
        rng.uniform(0.4, 0.8) if organisation.kind == Kind.ARTISAN else rng.uniform(0.8, 1.4)
        for organisation, *_ in plans
    ]
    scale = TOTAL / sum(weights)
    lows = [max(len(own), 3) for _, _, own, _ in plans]
    highs = [len(own) + len(more) for _, _, own, more in plans]
    counts = [
        min(high, max(low, round(weight * scale)))
        for weight, low, high in zip(weights, lows, highs, strict=True)
    ]
    order = list(range(len(plans)))
    rng.shuffle(order)
    while (gap := TOTAL - sum(counts)) and any(
        counts[i] < highs[i] if gap > 0 else counts[i] > lows[i] for i in order
    ):
        for i in order:
            if gap > 0 and counts[i] < highs[i]:
                counts[i], gap = counts[i] + 1, gap - 1
            elif gap < 0 and counts[i] > lows[i]:
                counts[i], gap = counts[i] - 1, gap + 1
            if not gap:
                break
    return counts


def add_argan_oil(rng, specs, plans, slugs):
    """The search example must exist: if the argan cooperative is not exhibiting, the first
    exhibitor whose lists hold argan oil (or else the first one) sells it."""
    name_fr, name_ar, low, high, unit = POOLS["argan_oil"][1][0]
    organisation = next(
        (o for o, activity, *_ in plans if "argan_oil" in ACTIVITY_POOLS.get(activity, [])),
        plans[0][0],
    )
    item = Item(name_fr, name_ar, "huile-argan", unit, low, high)
    specs.append(spec(rng, organisation, item, False, slugs))


def spec(rng, organisation, item: Item, organic: bool, slugs: set[str]) -> Spec:
    if item.brought is not None and item.brought.price:
        price = Decimal(item.brought.price).quantize(Decimal("0.01"))
    else:
        price = draw_price(rng, item.low, item.high)
    sentence_fr, sentence_ar = rng.choice(TEXTS.get(item.category, TEXTS["conserves"]))
    commune = organisation.commune or organisation.province
    return Spec(
        slug=make_slug(item.name_fr, slugs),
        organisation_id=organisation.pk,
        item=item,
        price=price,
        labels=labels_for(item, organisation, organic),
        quantity=quantity(rng, price),
        description_fr=f"{sentence_fr} Origine : {organisation.name_fr}, {commune.name_fr}.",
        description_ar=f"{sentence_ar} المصدر: {organisation.name_ar}، {commune.name_ar}.",
    )


def make_slug(name_fr: str, slugs: set[str]) -> str:
    """What catalogue.models.unique_slug would give, made unique among the demo's products."""
    base = slugify(name_fr)[:70] or "produit"
    value, n = base, 1
    while value in slugs:
        n += 1
        value = f"{base}-{n}"
    slugs.add(value)
    return value


def unit_of(name_fr: str, category: str) -> str:
    """The unit a price is for, read from the name: "(1 L)" is a litre, "(250 ml)" a bottle,
    "(1 kg)" a kilogram, "(500 g)" a jar of honey or a box of herbs, "(lot de 6)" a set."""
    if "(lot de" in name_fr:
        return Unit.SET
    if volume := _VOLUME.search(name_fr):
        return Unit.LITRE if volume.groups() == ("1", "L") else Unit.BOTTLE
    if weight := _WEIGHT.search(name_fr):
        if weight.groups() == ("1", "kg"):
            return Unit.KG
        return Unit.JAR if category in JARRED else Unit.BOX
    if "(1 m²)" in name_fr:
        return Unit.M2
    return Unit.PIECE


def draw_price(rng, low: int, high: int) -> Decimal:
    """Round figures as on a price tag: to 50 dirhams above 1,000, to 5 above 200, and small
    items to the half dirham."""
    value = Decimal(rng.randint(low, high))
    if high > 1000:
        value = max(Decimal(low), (value / 50).quantize(Decimal("1")) * 50)
    elif high > 200:
        value = max(Decimal(low), (value / 5).quantize(Decimal("1")) * 5)
    elif high <= 100 and rng.random() < 0.5:
        value += Decimal("0.50")
    return value.quantize(Decimal("0.01"))


def quantity(rng, price: Decimal) -> int:
    """What the exhibitor brings for the ten days: hundreds of small items, tens of most
    things, a few carpets, caftans or lustres."""
    if price < 50:
        return rng.randint(100, 400)
    if price < 200:
        return rng.randint(30, 120)
    if price < 1000:
        return rng.randint(10, 50)
    if price < 5000:
        return rng.randint(3, 20)
    return rng.randint(1, 8)


def labels_for(item: Item, organisation, organic: bool) -> tuple[str, ...]:
    """Handmade for every craft; the protected names only where they apply (the product and its
    place of origin); organic for the food and cosmetics of a certified cooperative."""
    codes = []
    family = FAMILY.get(item.category)
    province = organisation.province_id or ""
    region = province[:2]
    if family == "artisanat":
        codes.append("fait-main")
    category, name = item.category, item.name_fr
    if (
        (category == "huile-argan" and region in ARGAN_REGIONS)
        or (category == "laitiers-fromage" and province == CHEFCHAOUEN and "chèvre" in name)
        or (category == "cosmetiques" and region == ROSE_REGION and "rose" in name)
    ):
        codes.append("igp")
    flavoured = any(word in name for word in ("aromatisée", "citron", "Coffret"))
    if (category == "safran" and region == SAFFRON_REGION and "filaments" in name) or (
        category == "huile-olive" and province == OUEZZANE and not flavoured
    ):
        codes.append("aop")
    if organic and family == "terroir":
        codes.append("bio")
    return tuple(codes)


# --- Writing ---------------------------------------------------------------------------------

# Product fields a new load refreshes: all but the key (``slug``), ``id`` and ``created_at``.
FIELDS = [
    f.name for f in Product._meta.concrete_fields if f.name not in ("id", "slug", "created_at")
]


def save_products(specs: list[Spec]) -> dict[str, int]:
    """Inserts or refreshes the products in a few queries; returns their ids by slug."""
    take_over_accepted_products(specs)
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    rows = []
    for s in specs:
        brought = s.item.brought
        product = Product(
            organisation_id=s.organisation_id,
            slug=s.slug,
            name_ar=s.item.name_ar,
            name_fr=s.item.name_fr,
            description_ar=s.description_ar,
            description_fr=s.description_fr,
            category=categories[s.item.category],
            price=s.price,
            unit=s.item.unit,
            active=True,
            from_application_id=brought.pk if brought else None,
            created_at=CREATED_AT,
        )
        product.search_text = product_search_text(product)
        rows.append(product)
    Product.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["slug"], update_fields=FIELDS, batch_size=300
    )
    organisations = {s.organisation_id for s in specs}
    return dict(Product.objects.filter(organisation_id__in=organisations).values_list("slug", "pk"))


def take_over_accepted_products(specs: list[Spec]):
    """The catalogue may have made products of the accepted applications already, with slugs
    of its own: those rows get the demo's slugs, unless the demo's product is there from an
    earlier load, in which case the new row is a duplicate and goes."""
    wanted = {s.item.brought.pk: s.slug for s in specs if s.item.brought is not None}
    slugs = {s.slug for s in specs}
    existing = list(
        Product.objects.filter(Q(from_application_id__in=wanted) | Q(slug__in=slugs)).values_list(
            "pk", "slug", "from_application_id"
        )
    )
    linked = {pk for pk, _, application_product in existing if application_product in wanted}
    holders = {slug: pk for pk, slug, _ in existing if pk not in linked}
    renames, duplicates = {}, []
    for pk, current, application_product in existing:
        if pk not in linked or current == wanted[application_product]:
            continue
        if wanted[application_product] in holders:
            duplicates.append(pk)
        else:
            renames[pk] = wanted[application_product]
    if duplicates:
        Product.objects.filter(pk__in=duplicates).delete()
    # Two steps, so that two rows may swap slugs without breaking the unique constraint.
    for step in ("temporary", "final"):
        for pk, new in renames.items():
            Product.objects.filter(pk=pk).update(slug=f"demo-{pk}" if step == "temporary" else new)


def save_labels(specs: list[Spec], products: dict[str, int]):
    through = Product.labels.through
    labels = dict(Label.objects.values_list("code", "pk"))
    wanted = {
        (products[s.slug], labels[code]) for s in specs for code in s.labels if code in labels
    }
    pks = [products[s.slug] for s in specs]
    existing = set(through.objects.filter(product_id__in=pks).values_list("product_id", "label_id"))
    stale = existing - wanted
    if stale:
        through.objects.filter(product_id__in={pk for pk, _ in stale}).delete()
        existing -= {pair for pair in existing if pair[0] in {pk for pk, _ in stale}}
    through.objects.bulk_create(
        [through(product_id=p, label_id=lbl) for p, lbl in sorted(wanted - existing)],
        batch_size=500,
    )


def save_stock(specs: list[Spec], products: dict[str, int], edition):
    Stock.objects.bulk_create(
        [Stock(product_id=products[s.slug], edition=edition, quantity=s.quantity) for s in specs],
        update_conflicts=True,
        unique_fields=["product", "edition"],
        update_fields=["quantity"],
        batch_size=500,
    )


# --- Photos ----------------------------------------------------------------------------------


def save_photos(specs: list[Spec], products: dict[str, int]):
    """One photo per product, stored like core.uploads stores one (the picture, and a thumbnail
    named ``<stem>_480x480``); files already there are not drawn again."""
    try:
        stored = set(default_storage.listdir(PHOTO_FOLDER)[1])
    except (FileNotFoundError, NotImplementedError):
        stored = set()
    pictures: dict[tuple, bytes] = {}  # many products share a colour and initials
    wanted = {}
    for s in specs:
        look = appearance(s.item)
        stem = f"{PHOTO_FOLDER}/{s.slug}-{fingerprint(look)}"
        file, thumb = f"{stem}.png", f"{stem}_{PHOTO_SIZE}x{PHOTO_SIZE}.png"
        for name in (file, thumb):
            if name.rsplit("/", 1)[1] not in stored:
                if look not in pictures:
                    pictures[look] = render(*look)
                default_storage.save(name, ContentFile(pictures[look]))
        wanted[products[s.slug]] = (file, thumb)
    existing = ProductPhoto.objects.filter(
        product_id__in=wanted, file__startswith=f"{PHOTO_FOLDER}/"
    ).order_by("product_id", "order", "id")
    seen, changed, extra = set(), [], []
    for photo in existing:
        if photo.product_id in seen:
            extra.append(photo.pk)
            continue
        seen.add(photo.product_id)
        if (photo.file, photo.thumbnail) != wanted[photo.product_id]:
            photo.file, photo.thumbnail = wanted[photo.product_id]
            changed.append(photo)
    ProductPhoto.objects.filter(pk__in=extra).delete()
    ProductPhoto.objects.bulk_update(changed, ["file", "thumbnail"], batch_size=500)
    ProductPhoto.objects.bulk_create(
        [
            ProductPhoto(product_id=pk, file=file, thumbnail=thumb, order=0)
            for pk, (file, thumb) in wanted.items()
            if pk not in seen
        ],
        batch_size=500,
    )


def appearance(item: Item) -> tuple[str, str, str]:
    """The colour of the category and the first letters of the French and Arabic names."""
    latin = next((c for c in item.name_fr if c.isalpha()), "?").upper()
    arabic = next((c for c in item.name_ar if "\u0621" <= c <= "\u064a"), "")
    return COLOURS.get(item.category, "#4A5568"), latin, arabic


def fingerprint(look: tuple) -> str:
    """Part of the file name: a product whose picture would change gets a new file."""
    latin_font, arabic_font = fonts()
    key = "|".join([*look, font_name(latin_font), font_name(arabic_font), str(PHOTO_SIZE)])
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()[:8]


def render(colour: str, latin: str, arabic: str) -> bytes:
    """A square of the colour with the initials, in white or in ink, whichever reads better."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 150
    ink = "#1F2933" if light else "#FFFFFF"
    image = Image.new("RGB", (PHOTO_SIZE, PHOTO_SIZE), colour)
    pen = ImageDraw.Draw(image)
    latin_font, arabic_font = fonts()
    middle = PHOTO_SIZE // 2
    if not isinstance(latin_font, ImageFont.FreeTypeFont):  # the bitmap font has no anchors
        pen.text((middle, middle), latin, font=latin_font, fill=ink)
    elif arabic and arabic_font is not None:
        pen.text((middle - 90, middle), latin, font=latin_font, fill=ink, anchor="mm")
        pen.text((middle + 90, middle), arabic, font=arabic_font, fill=ink, anchor="mm")
        pen.line((middle, middle - 90, middle, middle + 90), fill=ink, width=4)
    else:
        pen.text((middle, middle), latin, font=latin_font, fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LATIN_FONTS = ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"]
ARABIC_FONTS = [
    "NotoSansArabic-Bold.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "Amiri-Bold.ttf",
    "Amiri-Regular.ttf",
    "DejaVuSans-Bold.ttf",  # has the Arabic letters too
]
FONT_DIRS = [
    "/usr/share/fonts/truetype/noto/",
    "/usr/share/fonts/truetype/dejavu/",
    "/usr/share/fonts/opentype/fonts-hosny-amiri/",
]


@functools.cache
def fonts():
    """A bold Latin font and one with Arabic letters, from the system; without an Arabic font
    the photos carry the French initial only, without any font Pillow's own."""
    return find_font(LATIN_FONTS) or default_font(), find_font(ARABIC_FONTS)


def find_font(names: list[str]):
    size = PHOTO_SIZE * 2 // 5
    for name in names:
        # The usual Debian/Ubuntu places first; Pillow then searches the system's font folders.
        for path in [folder + name for folder in FONT_DIRS] + [name]:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None


def default_font():
    try:
        return ImageFont.load_default(size=PHOTO_SIZE * 2 // 5)
    except (TypeError, ImportError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def font_name(font) -> str:
    if font is None:
        return "-"
    names = getattr(font, "getname", lambda: ("default", ""))()
    return " ".join(filter(None, names))
