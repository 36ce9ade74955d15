"""The demo's fixed content: the reference fair, its partners, the demo accounts, and the word
lists the loader draws organisation names from.

Everything here is plain data (no Django) so it can be read, reviewed by an Arabic speaker and
changed without touching the loader. Pairs are always (French, Arabic).
"""

import datetime
from typing import NamedTuple

# The tables below are kept one row per line, as tables read best: no automatic formatting.
# fmt: off

# --- The demo accounts -----------------------------------------------------------------------
# One per role. The passwords are public on purpose: they are printed by `maarid demo` and
# written in the README. Never load the demo into a database that faces the internet.
DEMO_ACCOUNTS = [
    # username, password, role, first name, last name, what they are in the demo
    ("organiser", "demo-organiser-2024", "organiser", "Samira", "El Khattabi",
     "organiser of the Tanger-Tétouan-Al Hoceima fair series"),
    ("reviewer", "demo-reviewer-2024", "reviewer", "Karim", "Bennani",
     "reviews applications to exhibit"),
    ("reviewer2", "demo-reviewer2-2024", "reviewer", "Nadia", "El Amrani",
     "a second reviewer (each application gets two)"),
    ("reviewer3", "demo-reviewer3-2024", "reviewer", "Hicham", "Akhrif",
     "a third reviewer"),
    ("juror", "demo-juror-2024", "juror", "Latifa", "Raissouni", "sits on the awards jury"),
    ("exhibitor", "demo-exhibitor-2024", "exhibitor", "Fatima Zahra", "El Bakkali",
     "administrator of a women's cooperative"),
    ("buyer", "demo-buyer-2024", "buyer", "Youssef", "Temsamani", "member of a buying company"),
    ("admin", "demo-admin-2024", "admin", "Admin", "Maarid", "superuser (Django admin)"),
]
EMAIL_DOMAIN = "maarid.example"  # a reserved top-level domain: no mail can ever leave
# Only the exhibitor signs in with a phone as well, to show the phone login.
EXHIBITOR_PHONE = "+212661234501"
CONSENT_AT = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
CREATED_AT = datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.UTC)

# --- The series and its editions -------------------------------------------------------------
SERIES = {
    "slug": "ess-tta",
    "region_id": "01",
    "name_fr": "Salon régional de l'économie sociale et solidaire de Tanger-Tétouan-Al Hoceima",
    "name_ar": "المعرض الجهوي للاقتصاد الاجتماعي والتضامني لجهة طنجة تطوان الحسيمة",
}

SLOGAN_FR = (
    "Pour une économie sociale résiliente, stimulant l'investissement et l'emploi "
    "et fondée sur la digitalisation"
)
SLOGAN_AR = "من أجل اقتصاد اجتماعي صامد محفز للاستثمار والتشغيل ومرتكز على الرقمنة"

# Editions 1 and 2 are smaller, earlier fairs; the 3rd is the reference fair of DESIGN.md.
# It is over (it ended on Sunday 9 June 2024), so its status is "closed".
EDITIONS = [
    {
        "number": 1,
        "name_fr": "1er Salon régional de l'économie sociale et solidaire",
        "name_ar": "الدورة الأولى للمعرض الجهوي للاقتصاد الاجتماعي والتضامني",
        "city_id": "01.511.01.0",  # Tanger
        "venue_fr": "Place de la Ligue arabe",
        "venue_ar": "ساحة الجامعة العربية",
        "area_m2": 2500,
        "starts_on": datetime.date(2019, 10, 4),
        "ends_on": datetime.date(2019, 10, 10),
        "slogan_fr": "L'économie sociale et solidaire, levier du développement régional",
        "slogan_ar": "الاقتصاد الاجتماعي والتضامني رافعة للتنمية الجهوية",
    },
    {
        "number": 2,
        "name_fr": "2e Salon régional de l'économie sociale et solidaire",
        "name_ar": "الدورة الثانية للمعرض الجهوي للاقتصاد الاجتماعي والتضامني",
        "city_id": "01.051.01.01",  # Al Hoceima
        "venue_fr": "Place Mohammed VI",
        "venue_ar": "ساحة محمد السادس",
        "area_m2": 3500,
        "starts_on": datetime.date(2022, 7, 15),
        "ends_on": datetime.date(2022, 7, 22),
        "slogan_fr": "Produits du terroir et artisanat : valoriser pour mieux vendre",
        "slogan_ar": "المنتوجات المجالية والصناعة التقليدية: التثمين من أجل تسويق أفضل",
    },
    {
        "number": 3,
        "name_fr": "3e Salon régional de l'économie sociale et solidaire",
        "name_ar": "الدورة الثالثة للمعرض الجهوي للاقتصاد الاجتماعي والتضامني",
        "city_id": "01.571.01.11",  # Tétouan
        "venue_fr": "Place de la Wilaya",
        "venue_ar": "ساحة الولاية",
        "directions_fr": "Au centre de Tétouan, à côté de la wilaya. Taxis et bus urbains jusqu'à "
        "la place Moulay El Mehdi, puis cinq minutes à pied ; parking public avenue Mohammed V.",
        "directions_ar": "وسط مدينة تطوان بجوار مقر الولاية. سيارات الأجرة والحافلات الحضرية حتى "
        "ساحة مولاي المهدي ثم خمس دقائق مشيا؛ موقف عمومي للسيارات بشارع محمد الخامس.",
        "area_m2": 5000,
        "starts_on": datetime.date(2024, 5, 31),
        "ends_on": datetime.date(2024, 6, 9),
        "slogan_fr": SLOGAN_FR,
        "slogan_ar": SLOGAN_AR,
    },
]
REFERENCE_EDITION = 3

# Days of the 3rd edition whose hours differ from the usual 10:00–22:00.
SPECIAL_HOURS = [
    # The official opening ceremony takes the afternoon of the first day.
    (datetime.date(2024, 5, 31), datetime.time(16, 0), datetime.time(22, 0)),
    # The awards and closing ceremony end the last day early.
    (datetime.date(2024, 6, 9), datetime.time(10, 0), datetime.time(20, 0)),
]

# --- Institutions and the partners of the editions -------------------------------------------
# key, French name, Arabic name, commune (its province follows), short description (fr, ar)
INSTITUTIONS = [
    ("region", "Conseil de la Région Tanger-Tétouan-Al Hoceima", "مجلس جهة طنجة تطوان الحسيمة",
     "01.511.01.0", "Organisateur du salon.", "الجهة المنظمة للمعرض."),
    ("ministry",
     "Ministère du Tourisme, de l'Artisanat et de l'Économie sociale et solidaire",
     "وزارة السياحة والصناعة التقليدية والاقتصاد الاجتماعي والتضامني",
     "04.421.01.0", "Co-organisateur du salon.", "الجهة المنظمة بشراكة."),
    ("ads", "Agence de Développement Social (ADS)", "وكالة التنمية الاجتماعية",
     "01.571.01.11", "Accompagne les coopératives et les associations.",
     "تواكب التعاونيات والجمعيات."),
    ("entraide", "Entraide Nationale", "التعاون الوطني", "01.571.01.11",
     "Centres de formation et d'éducation.", "مراكز التكوين والتربية."),
    ("cri", "Centre Régional d'Investissement Tanger-Tétouan-Al Hoceima (CRI)",
     "المركز الجهوي للاستثمار لجهة طنجة تطوان الحسيمة", "01.511.01.0",
     "Aide à la création d'entreprises et à l'investissement.",
     "يساعد على إحداث المقاولات والاستثمار."),
    ("cnss", "Caisse Nationale de Sécurité Sociale (CNSS)", "الصندوق الوطني للضمان الاجتماعي",
     "01.571.01.11", "Protection sociale des coopérateurs et des artisans.",
     "الحماية الاجتماعية للتعاونيين والصناع التقليديين."),
    ("dra", "Direction Régionale de l'Agriculture de Tanger-Tétouan-Al Hoceima",
     "المديرية الجهوية للفلاحة لجهة طنجة تطوان الحسيمة", "01.511.01.0",
     "Appui aux filières agricoles et aux produits du terroir.",
     "دعم السلاسل الفلاحية والمنتوجات المجالية."),
    ("onca", "Office National du Conseil Agricole (ONCA)", "المكتب الوطني للاستشارة الفلاحية",
     "01.571.01.11", "Conseil agricole aux coopératives.",
     "الاستشارة الفلاحية لفائدة التعاونيات."),
    ("odco", "Office du Développement de la Coopération (ODCO)", "مكتب تنمية التعاون",
     "01.571.01.11", "Formation et encadrement des coopératives.",
     "تكوين وتأطير التعاونيات."),
    ("dar-al-moukawil", "Dar Al Moukawil", "دار المقاول", "01.571.01.11",
     "Accompagnement des porteurs de projets et des très petites entreprises.",
     "مواكبة حاملي المشاريع والمقاولات الصغيرة جدا."),
]

# Partner roles for each edition: (institution key, role). The 3rd edition has them all.
PARTNERS = {
    1: [("region", "organiser"), ("ministry", "co_organiser"), ("odco", "institutional")],
    2: [("region", "organiser"), ("ministry", "co_organiser"), ("ads", "institutional"),
        ("odco", "institutional")],
    3: [("region", "organiser"), ("ministry", "co_organiser")]
    + [(key, "institutional") for key in
       ("ads", "entraide", "cri", "cnss", "dra", "onca", "odco", "dar-al-moukawil")],
}

# --- Organisations the awards and the demo accounts need -------------------------------------
# These are written by hand rather than drawn at random: the awards of a later issue point at
# them (oldest cooperative, most eco-friendly, highest sales, oldest artisan in a craft at risk).
# Fields not given here are drawn like those of any organisation of the same activity.
SPECIAL_ORGANISATIONS = [
    {
        "key": "exhibitor-cooperative",
        "kind": "cooperative", "activity": "olive_oil", "women_led": True,
        "name_fr": "Coopérative Nisae Al Jabal pour l'huile d'olive",
        "name_ar": "تعاونية نساء الجبل لزيت الزيتون",
        "commune_id": "01.151.05.01",  # Bab Taza
        "founded_on": datetime.date(2012, 4, 18), "members": (31, 0),
        "contact_name": "Fatima Zahra El Bakkali",
    },
    {
        "key": "oldest-cooperative",
        "kind": "cooperative", "activity": "fishing",
        "name_fr": "Coopérative Al Bahriya des pêcheurs de Tanger",
        "name_ar": "التعاونية البحرية لصيادي طنجة",
        "commune_id": "01.511.01.0",  # Tanger
        "founded_on": datetime.date(1955, 11, 2), "members": (0, 64),
        "registration_number": "12/1955",
    },
    {
        "key": "coral-divers",
        "kind": "association", "activity": "coral",
        "name_fr": "Association nationale des plongeurs corailleurs",
        "name_ar": "الجمعية الوطنية للغطاسين الصيادين للمرجان",
        "commune_id": "01.051.01.01",  # Al Hoceima
        "founded_on": datetime.date(1998, 3, 12), "members": (3, 87),
    },
    {
        "key": "eco-cooperative",
        "kind": "cooperative", "activity": "recycled", "eco_friendly": True,
        "name_fr": "Coopérative Al Bi'a Al Khadra pour le recyclage à Nador",
        "name_ar": "تعاونية البيئة الخضراء لإعادة التدوير بالناضور",
        "commune_id": "02.381.01.05",  # Nador, Oriental region
        "founded_on": datetime.date(2017, 9, 25), "members": (9, 6),
    },
    {
        "key": "oldest-artisan",
        "kind": "artisan", "craft": "dinanderie",
        "name_fr": "Abdeslam El Ouazzani (dinanderie)",
        "name_ar": "عبد السلام الوزاني (النقش على النحاس)",
        "commune_id": "01.571.01.11",  # Tétouan
        "founded_on": datetime.date(1958, 1, 1), "members": (0, 1), "women_led": False,
    },
    {
        "key": "jellaba-bziouiya",
        "kind": "artisan", "craft": "bziouiya",
        "name_fr": "Rkia Ait Bzou (tissage de jellaba bziouiya)",
        "name_ar": "رقية أيت بزو (نسج الجلابة البزيوية)",
        "commune_id": "05.081.05.07",  # Bzou, Béni Mellal-Khénifra region
        "founded_on": datetime.date(1971, 1, 1), "members": (1, 0), "women_led": True,
    },
    {
        "key": "buyer-company",
        "kind": "company",
        "name_fr": "Tingis Distribution SARL", "name_ar": "شركة طنجيس للتوزيع ش.م.م",
        "commune_id": "01.511.01.0",  # Tanger
        "founded_on": datetime.date(2009, 6, 1),
    },
]

# Exhibitors from other regions, who travel to the fair with their region's specialities.
# key, kind, activity, French name, Arabic name, commune, women-led
OTHER_REGIONS = [
    ("argan-essaouira", "cooperative", "argan", "Coopérative Tafyoucht pour l'huile d'argan",
     "تعاونية تافيوشت لزيت الأركان", "07.211.01.05", True),
    ("saffron-taliouine", "cooperative", "saffron", "Coopérative Souktana du safran",
     "تعاونية سكتانة للزعفران", "09.541.01.11", False),
    ("rose-mgouna", "cooperative", "rose", "Coopérative Al Ward pour les produits de la rose",
     "تعاونية الورد لمنتوجات الورد العطري", "08.577.01.05", True),
    ("dates-zagora", "cooperative", "dates", "Coopérative Nakhil Draa pour les dattes",
     "تعاونية نخيل درعة للتمور", "08.587.01.13", False),
    ("pottery-safi", "gie", "pottery", "GIE des potiers de Safi pour la commercialisation de la "
     "poterie", "المجموعة ذات النفع الاقتصادي لفخاريي آسفي لتسويق الفخار", "07.431.01.03", False),
    ("zellige-fes", "cooperative", "zellige", "Coopérative Al Maalem du zellige de Fès",
     "تعاونية المعلم للزليج الفاسي", "03.231.01.0", False),
    ("honey-oujda", "association", "honey", "Association Oriental Nahl pour la promotion du miel",
     "جمعية الشرق نحل للنهوض بالعسل", "02.411.01.23", False),
    ("couscous-rabat", "cooperative", "couscous",
     "Coopérative féminine Al Qasba pour le couscous et les pâtes traditionnelles",
     "تعاونية القصبة النسائية للكسكس والعجائن التقليدية", "04.421.01.0", True),
]

# --- Activities of exhibitors -----------------------------------------------------------------
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


_ACTIVITIES = {
    "olive_oil": ("terroir", "pour l'huile d'olive", "لزيت الزيتون", "de l'huile d'olive",
                  "زيت الزيتون", "huile d'olive vierge extra pressée à froid, olives de table",
                  "زيت الزيتون البكر الممتاز المعصور على البارد وزيتون المائدة", 0.15, 14),
    "honey": ("terroir", "pour l'apiculture", "لتربية النحل", "du miel", "العسل",
              "miel de thym, d'eucalyptus et de montagne, pollen",
              "عسل الزعتر والكاليبتوس والجبل وحبوب اللقاح", 0.1, 10),
    "goat_cheese": ("terroir", "pour le lait et le fromage de chèvre", "لحليب وجبن الماعز",
                    "du fromage de chèvre", "جبن الماعز",
                    "fromage de chèvre frais et affiné, jben",
                    "جبن الماعز الطري والمعتق والجبن البلدي", 0.3, 6),
    "couscous": ("terroir", "pour le couscous et les pâtes traditionnelles",
                 "للكسكس والعجائن التقليدية", "du couscous", "الكسكس",
                 "couscous d'orge et de blé, berkoukech, vermicelles roulés à la main",
                 "كسكس الشعير والقمح والبركوكش والشعرية المفتولة باليد", 0.6, 9),
    "aromatic": ("terroir", "pour les plantes aromatiques et médicinales",
                 "للنباتات العطرية والطبية", "des plantes aromatiques et médicinales",
                 "النباتات العطرية والطبية",
                 "thym, origan, romarin, verveine et huiles essentielles",
                 "الزعتر والزعيترة وإكليل الجبل واللويزة والزيوت الأساسية", 0.3, 7),
    "figs": ("terroir", "pour les figues et les fruits secs", "للتين والفواكه الجافة",
             "des figues", "التين", "figues séchées, confitures de figue et de figue de Barbarie",
             "التين المجفف ومربى التين والهندية", 0.25, 4),
    "red_fruits": ("terroir", "pour la valorisation des fruits rouges", "لتثمين الفواكه الحمراء",
                   "des fruits rouges", "الفواكه الحمراء",
                   "confitures de fraise et de framboise, fruits séchés",
                   "مربى الفراولة والتوت والفواكه المجففة", 0.4, 2),
    "pastries": ("terroir", "pour la pâtisserie traditionnelle", "للحلويات التقليدية",
                 "de la pâtisserie traditionnelle", "الحلويات التقليدية",
                 "cornes de gazelle, ghriba, chebakia et pain beldi",
                 "كعب الغزال والغريبة والشباكية والخبز البلدي", 0.65, 5),
    "cosmetics": ("cosmetics", "pour les cosmétiques naturels", "لمواد التجميل الطبيعية",
                  "des cosmétiques naturels", "مواد التجميل الطبيعية",
                  "savon beldi, ghassoul, eau de rose et huiles de soin",
                  "الصابون البلدي والغاسول وماء الورد وزيوت العناية", 0.5, 4),
    "fishing": ("fisheries", "de pêche artisanale", "للصيد التقليدي", "de la pêche artisanale",
                "الصيد التقليدي", "anchois et sardines salés, poisson séché",
                "الأنشوبة والسردين المملح والسمك المجفف", 0.0, 3),
    "goats": ("agriculture", "pour l'élevage caprin", "لتربية الماعز", "de l'élevage caprin",
              "تربية الماعز", "chevreaux de race Beni Arouss, fumier composté",
              "جديان سلالة بني عروس والسماد العضوي", 0.05, 3),
    "tourism": ("tourism", "pour le tourisme rural solidaire", "للسياحة القروية التضامنية",
                "du tourisme rural", "السياحة القروية",
                "gîte rural, randonnées et repas du terroir",
                "مأوى قروي وجولات ومأكولات محلية", 0.2, 2),
    "pottery": ("handicrafts", "de poterie", "للفخار", "de la poterie", "الفخار",
                "jarres, tajines et vaisselle en terre cuite",
                "الجرار والطواجن والأواني الفخارية", 0.25, 6),
    "weaving": ("textiles", "de tissage", "للنسيج", "du tissage", "النسيج",
                "mendils, couvertures et tapis tissés à la main",
                "المناديل والأغطية والزرابي المنسوجة يدويا", 0.5, 7),
    "embroidery": ("handicrafts", "de broderie", "للطرز", "de la broderie", "الطرز",
                   "nappes, coussins et caftans brodés au fil d'or et de soie",
                   "المفارش والوسائد والقفاطين المطرزة بخيوط الذهب والحرير", 0.65, 7),
    "leather": ("handicrafts", "du cuir", "للصناعة الجلدية", "du cuir", "الصناعة الجلدية",
                "babouches, sacs et ceintures en cuir", "البلاغي والحقائب والأحزمة الجلدية",
                0.05, 4),
    "wood": ("handicrafts", "de menuiserie et de sculpture sur bois", "للنجارة والنقش على الخشب",
             "du travail du bois", "النقش على الخشب",
             "coffrets, tables basses et miroirs en bois sculpté et peint",
             "الصناديق والموائد والمرايا من الخشب المنقوش والمزوق", 0.02, 4),
    "basketry": ("handicrafts", "de vannerie et de doum", "للصناعات الدومية", "de la vannerie",
                 "الصناعات الدومية", "paniers, chapeaux et nattes en doum",
                 "السلال والقبعات والحصائر من الدوم", 0.4, 4),
    "recycled": ("recycling", "de recyclage et d'artisanat", "لإعادة التدوير والصناعة التقليدية",
                 "du recyclage", "إعادة التدوير",
                 "sacs et objets de décoration en matériaux recyclés",
                 "حقائب وتحف من مواد معاد تدويرها", 0.3, 2),
    "sewing": ("textiles", "de couture et de confection", "للخياطة والتفصيل",
               "de la couture traditionnelle", "الخياطة التقليدية",
               "jellabas, caftans et tenues traditionnelles",
               "الجلابيب والقفاطين والملابس التقليدية", 0.5, 5),
    # Only used by the hand-written organisations (weight 0: never drawn at random).
    "coral": ("fisheries", "du corail", "للمرجان", "du corail rouge", "المرجان الأحمر",
              "bijoux et objets en corail rouge de Méditerranée",
              "حلي وتحف من المرجان الأحمر المتوسطي", 0.0, 0),
    "argan": ("terroir", "pour l'huile d'argan", "لزيت الأركان", "de l'huile d'argan",
              "زيت الأركان", "huile d'argan alimentaire et cosmétique, amlou",
              "زيت الأركان الغذائي والتجميلي والأملو", 1.0, 0),
    "saffron": ("terroir", "du safran", "للزعفران", "du safran", "الزعفران",
                "safran en filaments (appellation d'origine Taliouine)",
                "زعفران تالوين الحر (تسمية المنشأ)", 0.3, 0),
    "rose": ("cosmetics", "pour les produits de la rose", "لمنتوجات الورد العطري",
             "de la rose", "الورد العطري", "eau de rose, boutons de rose séchés, savons",
             "ماء الورد والورد المجفف والصابون", 0.9, 0),
    "dates": ("terroir", "pour les dattes", "للتمور", "des dattes", "التمور",
              "dattes mejhoul et boufeggous, pâte de dattes",
              "تمور المجهول وبوفكوس وعجينة التمر", 0.2, 0),
    "zellige": ("handicrafts", "du zellige", "للزليج", "du zellige", "الزليج",
                "zellige émaillé taillé à la main, tables en mosaïque",
                "الزليج المطلي المنحوت يدويا وموائد الفسيفساء", 0.0, 0),
}
ACTIVITIES = {key: Activity(*row) for key, row in _ACTIVITIES.items()}

class Craft(NamedTuple):
    name_fr: str
    name_ar: str
    sector: str
    at_risk: bool  # at risk of disappearing (the awards have a prize for its oldest artisan)
    by_women: bool  # usually practised by women
    drawn: bool = True  # False: a craft of another region, only for hand-written artisans


# The crafts of individual artisans; most of those at risk are in the region's own traditions.
_CRAFTS = {
    "dinanderie": ("dinanderie", "النقش على النحاس", "handicrafts", True, False),
    "bziouiya": ("tissage de jellaba bziouiya", "نسج الجلابة البزيوية", "textiles", True, True,
                 False),  # from Bzou, in the Béni Mellal-Khénifra region
    "tarz": ("broderie tétouanaise", "الطرز التطواني", "handicrafts", True, True),
    "sellerie": ("sellerie traditionnelle", "السراجة", "handicrafts", True, False),
    "mendil": ("tissage du mendil", "نسج المنديل", "textiles", True, True),
    "rif_pottery": ("poterie féminine rifaine", "الفخار النسائي الريفي", "handicrafts", True,
                    True),
    "zouak": ("peinture sur bois (zouak)", "الزواق على الخشب", "handicrafts", True, False),
    "instruments": ("lutherie traditionnelle", "صناعة الآلات الموسيقية التقليدية",
                    "handicrafts", True, False),
    "sfifa": ("passementerie (sfifa et aakad)", "السفيفة والعقاد", "textiles", True, True),
    "tarazal": ("chapeau jebli (tarazal)", "القبعة الجبلية (الترزال)", "handicrafts", True, True),
    "babouches": ("babouches", "البلاغي", "handicrafts", False, False),
    "cabinetry": ("ébénisterie", "النجارة الفنية", "handicrafts", False, False),
    "jewellery": ("bijouterie", "صناعة الحلي", "handicrafts", False, False),
    "caftan": ("couture de caftan", "خياطة القفطان", "textiles", False, True),
    "ceramics": ("céramique", "الخزف", "handicrafts", False, False),
}
CRAFTS = {key: Craft(*row) for key, row in _CRAFTS.items()}

# --- Word lists for names ---------------------------------------------------------------------
# Names of cooperatives and associations: a virtue, a place or a plant; half the time the
# commune's own name is used instead, as many real cooperatives do.
NAME_WORDS = [
    ("Al Amal", "الأمل"), ("Al Baraka", "البركة"), ("Nour", "النور"), ("Al Fath", "الفتح"),
    ("Al Wahda", "الوحدة"), ("Al Khair", "الخير"), ("Annajah", "النجاح"), ("Assafa", "الصفاء"),
    ("Al Inbiat", "الانبعاث"), ("Akchour", "أقشور"), ("Talassemtane", "تلاسمطان"),
    ("Jbala", "جبالة"), ("Ghomara", "غمارة"), ("Rif Al Akhdar", "الريف الأخضر"),
    ("Loukkos", "اللوكوس"), ("Tamouda", "تمودة"), ("Al Azhar", "الأزهار"),
    ("Al Mostakbal", "المستقبل"), ("Attadamoun", "التضامن"), ("Al Ikhlas", "الإخلاص"),
    ("Al Yakout", "الياقوت"), ("Al Firdaws", "الفردوس"), ("Tiwizi", "تويزة"),
    ("Ain Al Jabal", "عين الجبل"), ("Zitouna", "الزيتونة"), ("Al Karama", "الكرامة"),
    ("Al Andalous", "الأندلس"), ("Bouhachem", "بوهاشم"), ("Al Massira", "المسيرة"),
    ("Arrahma", "الرحمة"), ("Al Izdihar", "الازدهار"), ("Ibdaa", "إبداع"),
    ("Tifawt", "تيفاوت"), ("Al Ghad", "الغد"), ("Al Hikma", "الحكمة"), ("Sanabil", "سنابل"),
]
WOMEN_NAME_WORDS = [
    ("Nisae Al Khair", "نساء الخير"), ("Al Mar'a Al Qarawiya", "المرأة القروية"),
    ("Fatima Zahra", "فاطمة الزهراء"), ("Sayidat Al Jabal", "سيدات الجبل"),
    ("Yasmine", "الياسمين"), ("Zahrat Al Jabal", "زهرة الجبل"), ("Lalla Aicha", "لالة عائشة"),
    ("Tamghart", "تامغارت"), ("Al Mar'a Al Moubdia", "المرأة المبدعة"), ("Khadija", "خديجة"),
    ("Nisae Al Loukkos", "نساء اللوكوس"), ("Banat Al Bahr", "بنات البحر"),
]

FIRST_NAMES_WOMEN = [
    ("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Aicha", "عائشة"), ("Zineb", "زينب"),
    ("Naima", "نعيمة"), ("Rachida", "رشيدة"), ("Latifa", "لطيفة"), ("Souad", "سعاد"),
    ("Hanane", "حنان"), ("Malika", "مليكة"), ("Fadoua", "فدوى"), ("Meryem", "مريم"),
    ("Hafsa", "حفصة"), ("Zohra", "زهرة"), ("Rahma", "رحمة"), ("Samira", "سميرة"),
]
FIRST_NAMES_MEN = [
    ("Mohammed", "محمد"), ("Ahmed", "أحمد"), ("Abdelkader", "عبد القادر"), ("Youssef", "يوسف"),
    ("Hassan", "حسن"), ("Mustapha", "مصطفى"), ("Abdelaziz", "عبد العزيز"), ("Omar", "عمر"),
    ("Rachid", "رشيد"), ("Khalid", "خالد"), ("Said", "سعيد"), ("Driss", "إدريس"),
    ("Abdeslam", "عبد السلام"), ("Hamid", "حميد"), ("Nabil", "نبيل"), ("Mohcine", "محسن"),
]
LAST_NAMES = [
    ("El Bakkali", "البقالي"), ("El Ouazzani", "الوزاني"), ("El Amrani", "العمراني"),
    ("El Khattabi", "الخطابي"), ("Temsamani", "التمسماني"), ("Bennani", "بناني"),
    ("El Haddad", "الحداد"), ("El Alami", "العلمي"), ("Raissouni", "الريسوني"),
    ("Benaissa", "بنعيسى"), ("El Mrabet", "المرابط"), ("Akhrif", "أخريف"),
    ("Aharrar", "أحرار"), ("El Yacoubi", "اليعقوبي"), ("Chaouni", "الشاوني"),
    ("Bouhaddou", "بوحدو"), ("El Hamdouchi", "الحمدوشي"), ("Azzouzi", "العزوزي"),
    ("El Mesbahi", "المصباحي"), ("Ziani", "الزياني"), ("Ouriaghli", "الورياغلي"),
    ("El Harrak", "الحراق"),
]

# Buyers: companies (with an ICE) and marketing platforms.
COMPANY_WORDS = [
    ("Tamuda", "تمودة"), ("Loukkos", "اللوكوس"), ("Rif", "الريف"), ("Jbala", "جبالة"),
    ("Andalous", "الأندلس"), ("Bougaz", "البوغاز"), ("Nord", "الشمال"), ("Spartel", "سبارتيل"),
    ("Malabata", "ملاباطا"), ("Kasbah", "القصبة"), ("Médina", "المدينة"),
    ("Méditerranée", "المتوسط"), ("Smir", "سمير"), ("Zitoun", "الزيتون"), ("Baraka", "البركة"),
    ("Hercule", "هرقل"), ("Achakar", "أشقار"), ("Cabo Negro", "كابو نيغرو"),
]
COMPANY_ACTIVITIES = [
    # French, Arabic complement, sector, legal form in French and Arabic
    ("Distribution", "للتوزيع", "distribution", "SARL", "ش.م.م"),
    ("Export", "للتصدير", "distribution", "SARL", "ش.م.م"),
    ("Agro-Industrie", "للصناعات الغذائية", "distribution", "SA", "ش.م"),
    ("Épicerie Fine", "للمواد الغذائية الراقية", "distribution", "SARL", "ش.م.م"),
    ("Hôtels et Riads", "للفنادق والرياضات", "tourism", "SA", "ش.م"),
    ("Traiteur", "لخدمات التموين", "services", "SARL", "ش.م.م"),
    ("Bazar Artisanal", "لبازار الصناعة التقليدية", "distribution", "SARL", "ش.م.م"),
    ("Boutique Solidaire", "للتجارة التضامنية", "distribution", "SARL", "ش.م.م"),
]
# Marketing platforms: "<word> e-Souk", "منصة <word> للتجارة الإلكترونية".
PLATFORM_FR = "{} e-Souk"
PLATFORM_AR = "منصة {} للتجارة الإلكترونية"

# Mobile prefixes (after +212) whose every number `phonenumbers` accepts as valid.
MOBILE_PREFIXES = ["61", "62", "63", "64", "65", "66", "67", "70", "71", "76", "77", "78"]

# Addresses.
STREETS = [
    "rue Mohammed V", "avenue Hassan II", "rue Al Jazaïr", "avenue des FAR",
    "rue Moulay Abdellah", "boulevard Pasteur", "rue Ibn Khaldoun", "avenue Al Massira",
]
DOUARS = [
    "Tazrout", "Aïn Lahcen", "Beni Ahmed", "Dar Akoubaa", "Taghzout", "Laâdadla", "Azla",
    "Beni Salah", "Khizana", "Tanaqob", "Ouslaf", "Ain Rami",
]
# fmt: on
