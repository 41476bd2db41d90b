"""Word lists of the demo marketplace: small, fixed, so generated rows read like real ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """What a country contributes to a user: names, phone shape, money, places."""

    code: str
    weight: float
    dial: str
    leads: tuple[str, ...]
    digits: int
    currency: str
    usd_rate: float
    postal: str
    number_first: bool
    domains: tuple[str, ...]
    octets: tuple[int, ...]
    ipv6: str
    first: tuple[str, ...]
    last: tuple[str, ...]
    ascii_first: tuple[str, ...] = ()
    ascii_last: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()


def _r(code: str, weight: float, **kw: object) -> Region:
    """A region with its words, keyword-only so the table below stays readable."""
    return Region(code, weight, **kw)  # type: ignore[arg-type]


_EN_FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
             "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
             "Thomas", "Sarah", "Chris", "Karen", "Daniel", "Emily", "Matthew", "Ashley",
             "Anthony", "Olivia", "Mark", "Emma", "Steven", "Sophia", "Andrew", "Grace")
_EN_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson",
            "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright")
_GB_LAST = ("Smith", "Jones", "Williams", "Taylor", "Davies", "Evans", "Thomas", "Roberts",
            "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards", "Green", "Hall")
_DE_FIRST = ("Lukas", "Anna", "Jonas", "Lea", "Leon", "Hannah", "Felix", "Sophie", "Jürgen",
             "Sabine", "Maximilian", "Marie", "Paul", "Laura", "Stefan", "Katrin", "Björn")
_DE_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf")
_FR_FIRST = ("Gabriel", "Louise", "Raphaël", "Emma", "Léo", "Jade", "Louis", "Chloé", "Hugo",
             "Camille", "Arthur", "Manon", "Jules", "Inès", "François", "Céline")
_FR_LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Roux")
_IN_FIRST = ("Aarav", "Priya", "Vivaan", "Ananya", "Aditya", "Diya", "Arjun", "Isha", "Rohan",
             "Kavya", "Rahul", "Neha", "Amit", "Pooja", "Sanjay", "Lakshmi")
_IN_LAST = ("Sharma", "Verma", "Gupta", "Patel", "Singh", "Kumar", "Reddy", "Iyer", "Nair",
            "Das", "Joshi", "Mehta", "Rao", "Shah", "Chopra", "Banerjee")
_BR_FIRST = ("Miguel", "Alice", "Arthur", "Helena", "Heitor", "Laura", "João", "Valentina",
             "Davi", "Júlia", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Larissa")
_BR_LAST = ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves",
            "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Araújo")
_ES_FIRST = ("Hugo", "Lucía", "Martín", "Sofía", "Pablo", "María", "Alejandro", "Paula",
             "Daniel", "Carmen", "Javier", "Elena", "José", "Ana", "Diego", "Isabel")
_ES_LAST = ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
            "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno")
_IT_FIRST = ("Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo",
             "Alice", "Matteo", "Ginevra", "Marco", "Chiara", "Luca", "Francesca")
_IT_LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca")
_NL_FIRST = ("Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Finn", "Tess", "Levi", "Sophie",
             "Bram", "Anouk", "Thijs", "Fleur")
_NL_LAST = ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
            "Visser", "Smit", "Meijer", "de Boer", "Mulder")
_CN_FIRST = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "秀英", "浩然", "子涵")
_CN_FIRST_A = ("wei", "fang", "na", "min", "jing", "lei", "yang", "yong", "yan", "jie", "jun",
               "xiuying", "haoran", "zihan")
_CN_LAST = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙")
_CN_LAST_A = ("wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu",
              "sun")
_JP_FIRST = ("蓮", "陽葵", "湊", "凛", "大翔", "結菜", "健", "美咲", "翔太", "さくら", "拓也", "愛")
_JP_FIRST_A = ("ren", "himari", "minato", "rin", "hiroto", "yuina", "ken", "misaki", "shota",
               "sakura", "takuya", "ai")
_JP_LAST = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
_JP_LAST_A = ("sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto",
              "nakamura", "kobayashi", "kato")

REGIONS: tuple[Region, ...] = (
    _r("US", 0.30, dial="+1", leads=("212", "213", "312", "415", "503", "512", "617", "646",
       "702", "718", "305", "404", "206", "303", "615", "919"), digits=7, currency="USD",
       usd_rate=1.0, postal="#####", number_first=True,
       domains=("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com"),
       octets=(24, 50, 66, 67, 68, 71, 73, 75, 76, 98, 99, 107, 108, 173, 174),
       ipv6="2600:1700", first=_EN_FIRST, last=_EN_LAST,
       cities=("New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Seattle", "Austin",
               "Denver", "Boston", "Portland", "Atlanta", "Nashville", "San Diego", "Miami"),
       streets=("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Park Ave", "Pine St",
                "Washington Blvd", "Lakeview Dr", "Sunset Blvd", "2nd St", "Hillcrest Rd")),
    _r("GB", 0.08, dial="+44", leads=("74", "75", "77", "78", "79"), digits=8, currency="GBP",
       usd_rate=0.79, postal="@@# #@@", number_first=True,
       domains=("gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com"),
       octets=(2, 31, 51, 81, 82, 86, 90, 92, 109), ipv6="2a00:23c5", first=_EN_FIRST,
       last=_GB_LAST, cities=("London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol",
                              "Edinburgh", "Liverpool", "Cardiff", "Brighton"),
       streets=("High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane",
                "Manor Road", "Park Road", "Queen Street")),
    _r("DE", 0.10, dial="+49", leads=("151", "152", "160", "170", "171", "176"), digits=8,
       currency="EUR", usd_rate=0.92, postal="#####", number_first=False,
       domains=("gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de"),
       octets=(77, 79, 84, 87, 91, 93, 95, 178, 217), ipv6="2a02:810d", first=_DE_FIRST,
       last=_DE_LAST, cities=("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main",
                              "Stuttgart", "Düsseldorf", "Leipzig", "Dresden", "Bremen"),
       streets=("Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße",
                "Bergstraße", "Lindenstraße", "Goethestraße")),
    _r("FR", 0.07, dial="+33", leads=("6", "7"), digits=8, currency="EUR", usd_rate=0.92,
       postal="#####", number_first=True,
       domains=("orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr"),
       octets=(2, 37, 78, 80, 82, 86, 88, 90, 109), ipv6="2a01:cb00", first=_FR_FIRST,
       last=_FR_LAST, cities=("Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes",
                              "Strasbourg", "Bordeaux", "Lille", "Rennes"),
       streets=("rue de la Paix", "avenue Victor Hugo", "rue du Moulin", "boulevard Voltaire",
                "rue Pasteur", "rue de l'Église", "place de la République")),
    _r("IN", 0.10, dial="+91", leads=("98", "97", "96", "90", "88", "79", "70"), digits=8,
       currency="INR", usd_rate=83.0, postal="######", number_first=True,
       domains=("gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"),
       octets=(49, 59, 103, 106, 110, 117, 122, 157, 182), ipv6="2401:4900",
       first=_IN_FIRST, last=_IN_LAST,
       cities=("Mumbai", "Delhi", "Bengaluru", "Hyderabad", "Chennai", "Kolkata", "Pune",
               "Ahmedabad", "Jaipur", "Lucknow"),
       streets=("MG Road", "Station Road", "Gandhi Nagar", "Nehru Street", "Park Street",
                "Ring Road", "Linking Road")),
    _r("BR", 0.07, dial="+55", leads=("119", "219", "319", "419", "519", "619", "719"),
       digits=8, currency="BRL", usd_rate=5.0, postal="#####-###", number_first=False,
       domains=("gmail.com", "uol.com.br", "bol.com.br", "hotmail.com", "terra.com.br"),
       octets=(138, 143, 177, 179, 186, 187, 189, 191, 200, 201), ipv6="2804:14c",
       first=_BR_FIRST, last=_BR_LAST,
       cities=("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Brasília", "Salvador",
               "Curitiba", "Fortaleza", "Recife", "Porto Alegre", "Manaus"),
       streets=("Rua das Flores", "Avenida Paulista", "Rua São João", "Rua XV de Novembro",
                "Avenida Brasil", "Rua da Consolação")),
    _r("CN", 0.06, dial="+86", leads=("138", "139", "186", "158", "135", "187", "150"),
       digits=8, currency="CNY", usd_rate=7.2, postal="######", number_first=False,
       domains=("qq.com", "163.com", "126.com", "sina.com", "foxmail.com"),
       octets=(1, 14, 27, 36, 39, 58, 60, 112, 113, 115, 116, 117, 120, 183, 221, 223),
       ipv6="240e:3b0", first=_CN_FIRST, last=_CN_LAST, ascii_first=_CN_FIRST_A,
       ascii_last=_CN_LAST_A, cities=("Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Chengdu",
                                      "Hangzhou", "Wuhan", "Nanjing", "Xi'an", "Suzhou"),
       streets=("Nanjing Road", "Huaihai Road", "Renmin Road", "Zhongshan Road",
                "Jiefang Road", "Changan Avenue")),
    _r("JP", 0.06, dial="+81", leads=("70", "80", "90"), digits=8, currency="JPY",
       usd_rate=150.0, postal="###-####", number_first=False,
       domains=("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "ezweb.ne.jp"),
       octets=(27, 49, 58, 60, 106, 114, 118, 126, 133, 153, 180, 220), ipv6="2400:4050",
       first=_JP_FIRST, last=_JP_LAST, ascii_first=_JP_FIRST_A, ascii_last=_JP_LAST_A,
       cities=("Tokyo", "Osaka", "Yokohama", "Nagoya", "Sapporo", "Fukuoka", "Kobe", "Kyoto",
               "Sendai", "Hiroshima"),
       streets=("Shibuya 2-chome", "Umeda 1-chome", "Sakae 3-chome", "Tenjin 2-chome",
                "Minato Mirai 4-chome", "Kita 5-jo")),
    _r("CA", 0.04, dial="+1", leads=("416", "647", "514", "604", "403", "613", "780"),
       digits=7, currency="CAD", usd_rate=1.36, postal="@#@ #@#", number_first=True,
       domains=("gmail.com", "hotmail.com", "yahoo.ca", "rogers.com", "shaw.ca"),
       octets=(24, 64, 69, 70, 99, 142, 174, 184, 206), ipv6="2607:fea8", first=_EN_FIRST,
       last=_EN_LAST, cities=("Toronto", "Montréal", "Vancouver", "Calgary", "Ottawa",
                              "Edmonton", "Winnipeg", "Halifax"),
       streets=("Yonge St", "King St W", "Rue Sainte-Catherine", "Robson St", "Jasper Ave",
                "Bank St")),
    _r("ES", 0.03, dial="+34", leads=("6", "7"), digits=8, currency="EUR", usd_rate=0.92,
       postal="#####", number_first=False,
       domains=("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"),
       octets=(2, 31, 37, 77, 79, 80, 83, 88, 90), ipv6="2a0c:5a80", first=_ES_FIRST,
       last=_ES_LAST, cities=("Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza",
                              "Málaga", "Bilbao", "Alicante"),
       streets=("Calle Mayor", "Gran Vía", "Calle Real", "Avenida de la Constitución",
                "Calle del Sol", "Paseo de Gracia")),
    _r("IT", 0.03, dial="+39", leads=("32", "33", "34", "35", "36", "38"), digits=8,
       currency="EUR", usd_rate=0.92, postal="#####", number_first=False,
       domains=("gmail.com", "libero.it", "alice.it", "virgilio.it", "tiscali.it"),
       octets=(2, 5, 37, 79, 82, 87, 93, 151), ipv6="2a01:e11", first=_IT_FIRST,
       last=_IT_LAST, cities=("Roma", "Milano", "Napoli", "Torino", "Palermo", "Bologna",
                              "Firenze", "Venezia"),
       streets=("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante",
                "Via Verdi")),
    _r("NL", 0.02, dial="+31", leads=("6",), digits=8, currency="EUR", usd_rate=0.92,
       postal="#### @@", number_first=False,
       domains=("gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.nl", "outlook.com"),
       octets=(31, 62, 77, 80, 82, 84, 145, 213), ipv6="2001:1c00", first=_NL_FIRST,
       last=_NL_LAST, cities=("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven",
                              "Groningen", "Leiden"),
       streets=("Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsweg", "Prinsengracht",
                "Nieuwstraat")),
    _r("MX", 0.02, dial="+52", leads=("55", "33", "81", "22"), digits=8, currency="MXN",
       usd_rate=17.0, postal="#####", number_first=False,
       domains=("gmail.com", "hotmail.com", "yahoo.com.mx", "outlook.com", "prodigy.net.mx"),
       octets=(148, 177, 187, 189, 200, 201), ipv6="2806:2f0", first=_ES_FIRST,
       last=_ES_LAST, cities=("Ciudad de México", "Guadalajara", "Monterrey", "Puebla",
                              "Tijuana", "Mérida"),
       streets=("Avenida Reforma", "Calle Hidalgo", "Avenida Juárez", "Calle Morelos",
                "Avenida Insurgentes")),
    _r("AU", 0.02, dial="+61", leads=("4",), digits=8, currency="AUD", usd_rate=1.52,
       postal="####", number_first=True,
       domains=("gmail.com", "bigpond.com", "outlook.com", "optusnet.com.au", "icloud.com"),
       octets=(1, 27, 49, 58, 101, 110, 120, 124, 144, 203), ipv6="2001:8003",
       first=_EN_FIRST, last=_EN_LAST,
       cities=("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Canberra", "Hobart"),
       streets=("George St", "Collins St", "Queen St", "Hay St", "King William St",
                "Chapel St")),
)

STATUSES = ("active", "suspended", "closed")
STATUS_WEIGHTS = (0.94, 0.03, 0.03)

CARD_BRANDS = ("visa", "mastercard", "amex", "discover", "jcb", "unionpay")
CARD_WEIGHTS = (0.52, 0.31, 0.08, 0.04, 0.03, 0.02)

ORDER_STATUSES = ("delivered", "shipped", "paid", "cancelled", "refunded", "disputed")
SETTLED_WEIGHTS = (0.88, 0.0, 0.0, 0.06, 0.045, 0.015)
RECENT_WEIGHTS = (0.25, 0.45, 0.27, 0.03, 0.0, 0.0)

USERNAME_WORDS = ("bargain", "vintage", "retro", "crafty", "thrifty", "cozy", "lucky",
                  "happy", "urban", "wild", "sunny", "pixel", "boho", "rustic", "golden")
USERNAME_NOUNS = ("hunter", "finds", "collector", "maker", "shopper", "fox", "owl", "bee",
                  "treasures", "closet", "picker", "nest", "studio", "vibes", "deals")

ADJECTIVES = ("Handmade", "Vintage", "Rustic", "Minimalist", "Personalized", "Boho", "Retro",
              "Hand-painted", "Upcycled", "Organic", "Modern", "Antique", "Custom", "Cozy",
              "Mid-century", "Scandinavian", "Hand-stitched", "Eco-friendly")
MATERIALS = ("Ceramic", "Leather", "Oak", "Walnut", "Linen", "Wool", "Sterling Silver",
             "Brass", "Cotton", "Glass", "Bamboo", "Copper", "Silk", "Stoneware", "Felt",
             "Macramé", "Resin", "Cork")
ITEMS = ("Mug", "Wallet", "Cutting Board", "Tote Bag", "Necklace", "Earrings", "Blanket",
         "Planter", "Candle Holder", "Wall Art", "Notebook", "Scarf", "Lamp", "Coaster Set",
         "Ring", "Bowl", "Vase", "Phone Case", "Keychain", "Backpack", "Sweater", "Pillow Cover",
         "Print", "Bracelet", "Apron", "Teapot", "Jewelry Box", "Clock", "Bookmark", "Hat")
TITLE_SUFFIXES = ("", "", "", " - Gift for Her", " - Gift for Him", ", Set of 2", " (Large)",
                  " - Made to Order", " | Free Shipping", " - Housewarming Gift")
DESCRIPTIONS = (
    "This {adj} {item} is made by hand from {mat} in our small studio. Each piece is unique, "
    "so slight variations are part of its charm.",
    "A {adj} {item} in {mat}, finished with care and packed plastic-free. Ships within 3 "
    "business days.",
    "Looking for a thoughtful gift? Our {item} in {mat} is {adj} and ready to wrap. "
    "Message us for custom colours.",
    "Crafted from responsibly sourced {mat}. Dimensions are listed in the photos. {adj} and "
    "built to last.",
    "Our best-selling {item}, now in {mat}. Ideal for everyday use or as a {adj} accent.",
)

SHOP_WORDS = ("Studio", "Workshop", "Atelier", "Goods", "Co.", "Supply", "Corner", "Collective",
              "Finds", "House", "Market", "Crafts", "Loft", "Emporium")
SHOP_PREFIXES = ("Little", "Golden", "Blue", "Wild", "Quiet", "Northern", "Olive", "Copper",
                 "Paper", "Velvet", "Maple", "Salt", "Honey", "Fern", "Moon", "Cedar")

BUYER_AFTER = (
    "Hi! I just placed order {order}. Could you ship it before the weekend?",
    "Any update on the tracking for {order}? Thanks!",
    "Received the {item} today, it is even nicer than the photos. Thank you!",
    "The {item} arrived but the box was crushed and it has a chip. What can we do?",
    "Could you gift-wrap the {item} and leave out the invoice? It's a present.",
    "I entered the wrong apartment number, please send {order} to unit 4B instead.",
    "Hello {name}, is it possible to change the colour on my order?",
    "Package still hasn't arrived, the tracking hasn't moved in a week.",
)
SELLER_AFTER = (
    "Thanks so much for your order! Your {item} ships tomorrow.",
    "Hi {name}, your package is on its way. Tracking: 1Z{track}",
    "So sorry about that! I'll send a replacement {item} right away.",
    "Of course, I've updated the address on {order}.",
    "Gift wrap added, no invoice in the parcel. Enjoy!",
    "Refund issued for {order}. It should show up in 3-5 business days.",
    "Glad you like it {name}! A review would mean the world to a small shop.",
)
BUYER_BEFORE = (
    "Hi, is the {item} still available?",
    "Do you ship to {city}? How long does it usually take?",
    "Would you take a bit less for the {item} if I buy two?",
    "Can the {item} be personalised with initials?",
    "What are the exact dimensions of the {item}?",
    "Hello {name}, do you have this {item} in another colour?",
)
SELLER_BEFORE = (
    "Yes, it's available! Only two left in stock.",
    "Hi {name}, yes we ship there, usually 5-8 business days.",
    "I can do 10% off if you order two, I'll send you an offer.",
    "Personalisation is free, just add the initials in the order note.",
    "Sorry, that colour is sold out, I'm restocking next month.",
)

DEVICES = (
    ("iPhone 15", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"),
    ("iPhone 13", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"),
    ("Pixel 8", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"),
    ("Galaxy S23", "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/123.0.0.0 Mobile Safari/537.36"),
    ("Windows PC", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.0.0 Safari/537.36"),
    ("Windows PC", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 "
     "Firefox/125.0"),
    ("MacBook", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Version/17.4 Safari/605.1.15"),
    ("iPad", "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
    ("Marketplace app (Android)", "MarketplaceApp/8.41.0 (Android 13; SM-A536B)"),
    ("Marketplace app (iOS)", "MarketplaceApp/8.41.0 (iOS 17.5; iPhone14,5)"),
    ("Linux desktop", "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"),
)
MOBILE_DEVICES = (0, 1, 2, 3, 7, 8, 9)
DESKTOP_DEVICES = (4, 5, 6, 10)
