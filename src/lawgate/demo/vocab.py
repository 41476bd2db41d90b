"""Word lists of the demo marketplace: small and fixed, so generated rows read like real ones."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REGIONS_FILE = Path(__file__).with_name("regions.yml")


def words(text: str, sep: str = "|") -> tuple[str, ...]:
    """Split a compact word list, so long lists stay short in source."""
    return tuple(w.strip() for w in text.split(sep) if w.strip())


@dataclass(frozen=True)
class Region:
    """What a country contributes to a user: names, phone shape, money and places."""

    code: str
    weight: float
    dial: str
    leads: tuple[str, ...]
    digits: int
    currency: str
    usd_rate: float
    postal: str
    number_first: bool
    ipv6: str
    order: str
    domains: tuple[str, ...]
    octets: tuple[int, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    first: tuple[str, ...]
    last: tuple[str, ...]
    first_ascii: tuple[str, ...]
    last_ascii: tuple[str, ...]


def ascii_slug(name: str) -> str:
    """A name as people write it in e-mail addresses: lower-case ASCII, no spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _names(spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Display names and their ASCII spelling from 'display|ascii' (or plain) entries."""
    pairs = [entry.partition("|") for entry in spec.split()]
    display = tuple(shown for shown, _, _ in pairs)
    return display, tuple(ascii_slug(spelled or shown) for shown, _, spelled in pairs)


def _region(row: dict[str, Any], data: dict[str, Any]) -> Region:
    """One Region from its row of regions.yml and the per-country tables beside it."""
    code = row["code"]
    names = data["names"][row["names"]]
    first, first_ascii = _names(names["first"])
    last, last_ascii = _names(names["last"])
    return Region(
        **{k: row[k] for k in ("code", "weight", "dial", "digits", "currency", "usd_rate")},
        **{k: row[k] for k in ("postal", "number_first", "ipv6", "order")},
        leads=tuple(str(v) for v in data["leads"][code]),
        domains=tuple(data["domains"][code]),
        octets=tuple(int(v) for v in data["octets"][code]),
        cities=tuple(data["cities"][code]),
        streets=tuple(data["streets"][code]),
        first=first,
        last=last,
        first_ascii=first_ascii,
        last_ascii=last_ascii,
    )


def load_regions(path: Path = REGIONS_FILE) -> tuple[Region, ...]:
    """The countries of regions.yml, in file order (the order fixes generated data)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_region(row, data) for row in data["regions"])


REGIONS = load_regions()

STATUSES = ("active", "suspended", "closed")
STATUS_WEIGHTS = (0.94, 0.03, 0.03)
CARD_BRANDS = ("visa", "mastercard", "amex", "discover", "jcb", "unionpay")
CARD_WEIGHTS = (0.52, 0.31, 0.08, 0.04, 0.03, 0.02)
ORDER_STATUSES = ("delivered", "shipped", "paid", "cancelled", "refunded", "disputed")
SETTLED_WEIGHTS = (0.88, 0.0, 0.0, 0.06, 0.045, 0.015)
RECENT_WEIGHTS = (0.25, 0.45, 0.27, 0.03, 0.0, 0.0)

USERNAME_WORDS = words(
    "bargain|vintage|retro|crafty|thrifty|cozy|lucky|happy|urban|wild|sunny|pixel|boho|rustic"
)
USERNAME_NOUNS = words(
    "hunter|finds|collector|maker|shopper|fox|owl|bee|treasures|closet|picker|nest|studio|deals"
)
ADJECTIVES = words(
    "Handmade|Vintage|Rustic|Minimalist|Personalized|Boho|Retro|Hand-painted|Upcycled|Organic"
    "|Modern|Antique|Custom|Cozy|Mid-century|Scandinavian|Hand-stitched|Eco-friendly"
)
MATERIALS = words(
    "Ceramic|Leather|Oak|Walnut|Linen|Wool|Sterling Silver|Brass|Cotton|Glass|Bamboo|Copper"
    "|Silk|Stoneware|Felt|Macramé|Resin|Cork"
)
ITEMS = words(
    "Mug|Wallet|Cutting Board|Tote Bag|Necklace|Earrings|Blanket|Planter|Candle Holder|Wall Art"
    "|Notebook|Scarf|Lamp|Coaster Set|Ring|Bowl|Vase|Phone Case|Keychain|Backpack|Sweater"
    "|Pillow Cover|Print|Bracelet|Apron|Teapot|Jewelry Box|Clock|Bookmark|Hat"
)
TITLE_SUFFIXES = (
    "",
    "",
    "",
    *words("- Gift for Her|- Gift for Him|(Set of 2)|(Large)|- Made to Order"),
)
DESCRIPTIONS = words(
    "This {adj} {item} is made by hand from {mat} in our small studio. Each piece is unique,"
    " so slight variations are part of its charm."
    "|A {adj} {item} in {mat}, finished with care and packed plastic-free. Ships within 3"
    " business days."
    "|Looking for a thoughtful gift? Our {item} in {mat} is {adj} and ready to wrap. Message"
    " us for custom colours."
    "|Crafted from responsibly sourced {mat}. Dimensions are listed in the photos."
    "|Our best-selling {item}, now in {mat}. Ideal for everyday use or as a {adj} accent."
)
SHOP_WORDS = words(
    "Studio|Workshop|Atelier|Goods|Co.|Supply|Corner|Collective|Finds|House|Market|Crafts|Loft"
)
SHOP_PREFIXES = words(
    "Little|Golden|Blue|Wild|Quiet|Northern|Olive|Copper|Paper|Velvet|Maple|Salt|Honey|Fern|Moon"
)

BUYER_AFTER = words(
    "Hi! I just placed order {order}. Could you ship it before the weekend?"
    "|Any update on the tracking for {order}? Thanks!"
    "|Received the {item} today, it is even nicer than the photos. Thank you!"
    "|The {item} arrived but the box was crushed and it has a chip. What can we do?"
    "|Could you gift-wrap the {item} and leave out the invoice? It's a present."
    "|I entered the wrong apartment number, please send {order} to unit 4B instead."
    "|Hello {name}, is it possible to change the colour on my order?"
    "|Package still hasn't arrived, the tracking hasn't moved in a week."
)
SELLER_AFTER = words(
    "Thanks so much for your order! Your {item} ships tomorrow."
    "|Hi {name}, your package is on its way. Tracking: 1Z{track}"
    "|So sorry about that! I'll send a replacement {item} right away."
    "|Of course, I've updated the address on {order}."
    "|Gift wrap added, no invoice in the parcel. Enjoy!"
    "|Refund issued for {order}. It should show up in 3-5 business days."
    "|Glad you like it {name}! A review would mean the world to a small shop."
)
BUYER_BEFORE = words(
    "Hi, is the {item} still available?"
    "|Do you ship to {city}? How long does it usually take?"
    "|Would you take a bit less for the {item} if I buy two?"
    "|Can the {item} be personalised with initials?"
    "|What are the exact dimensions of the {item}?"
    "|Hello {name}, do you have this {item} in another colour?"
)
SELLER_BEFORE = words(
    "Yes, it's available! Only two left in stock."
    "|Hi {name}, yes we ship there, usually 5-8 business days."
    "|I can do 10% off if you order two, I'll send you an offer."
    "|Personalisation is free, just add the initials in the order note."
    "|Sorry, that colour is sold out, I'm restocking next month."
)

_SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
_CHROME = "AppleWebKit/537.36 (KHTML, like Gecko)"
DEVICES: tuple[tuple[str, str], ...] = (
    ("iPhone 15", f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) {_SAFARI} Mobile"),
    ("iPhone 13", f"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) {_SAFARI} Mobile"),
    ("Pixel 8", f"Mozilla/5.0 (Linux; Android 14; Pixel 8) {_CHROME} Chrome/124.0 Mobile"),
    ("Galaxy S23", f"Mozilla/5.0 (Linux; Android 14; SM-S911B) {_CHROME} Chrome/123.0 Mobile"),
    ("iPad", f"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) {_SAFARI} Version/17.4"),
    ("Marketplace app (Android)", "MarketplaceApp/8.41.0 (Android 13; SM-A536B)"),
    ("Marketplace app (iOS)", "MarketplaceApp/8.41.0 (iOS 17.5; iPhone14,5)"),
    ("Windows PC", f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_CHROME} Chrome/124.0"),
    ("Windows PC", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Firefox/125.0"),
    ("MacBook", f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_SAFARI} Safari/605.1"),
    ("Linux desktop", "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"),
)
MOBILE_DEVICES = 7
