"""The marketplace's people: who each account is, and the three accounts every run plants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from lawgate.demo import text, vocab
from lawgate.demo.common import (
    DAY,
    END,
    START,
    Bools,
    Columns,
    Floats,
    Ints,
    Objects,
    between,
    choose,
    objects,
    spans,
    stream,
)
from lawgate.demo.lookup import tables


@dataclass(frozen=True)
class Planted:
    """A fixed account the policy conformance corpus names as a target."""

    username: str
    email: str
    phone: str
    first: str
    last: str
    created: int
    ip: str


PLANTED = (
    Planted("sellerone", "seller.one@example.com", "+14155550101", "Sam", "O'Neil",
            START + 9 * 3600, "198.51.100.23"),
    Planted("ada_a", "a@example.com", "+14155550102", "Ada", "Abbott",
            START + 10 * 3600 + 1800, "203.0.113.42"),
    Planted("bargainhunter77", "bargainhunter77@example.net", "+14155550177", "Brenda", "Hunt",
            START + 11 * 3600, "192.0.2.77"),
)  # fmt: skip
SELLER_ONE, A_USER, BARGAIN_HUNTER = 0, 1, 2
POWER_SELLERS = 5
FIRST_SIGNUP = START + 12 * 3600

EMAIL_FORMS = ("{f}.{l}", "{f}{l}", "{i}{l}", "{f}_{l}", "{f}.{l}{k}", "{l}{f}{y}")
USERNAME_FORMS = ("{f}{j}{k}", "{w}{n}{k}", "{f}_{l}", "{f}{l}{y}", "{w}_{f}", "{l}.{f}{k}")


@dataclass(frozen=True)
class People:
    """Per-account facts that later tables (orders, logins, messages) draw on."""

    ids: Objects
    created: Ints
    region: Ints
    first: Objects
    last: Objects
    first_ascii: Objects
    last_ascii: Objects
    address_base: Ints
    address_count: Ints
    has_second: Bools
    has_billing: Bools
    ips: Objects
    cards: Objects
    brands: Objects
    buy_weight: Floats
    power: Ints

    @property
    def n(self) -> int:
        """How many accounts there are."""
        return len(self.ids)

    def ship(self, which: Bools, rows: Ints) -> Ints:
        """The shipping address id used: the first, or the second where one exists."""
        second = which & self.has_second[rows]
        return self.address_base[rows] + second


def plan_people(n: int, seed: int) -> People:
    """Draw every account's region, names, signup time, addresses, IPs and cards."""
    rng = stream(seed, "people")
    t = tables()
    region = choose(rng, t.weights, n)
    region[: len(PLANTED)] = int(np.flatnonzero(t.codes == "US")[0])
    created = np.sort(between(rng, np.full(n, FIRST_SIGNUP), END - 2 * DAY, skew=0.8))
    fi, li = t.first.draw(rng, region), t.last.draw(rng, region)
    second, billing = rng.random(n) < 0.15, rng.random(n) < 0.35
    count = 1 + second.astype(np.int64) + billing
    cards, brands = _cards(rng, n)
    people = People(
        ids=objects(text.prefixed("A", np.arange(1, n + 1), 9)),
        created=created,
        region=region,
        first=t.first.values[fi],
        last=t.last.values[li],
        first_ascii=t.first_ascii.values[fi],
        last_ascii=t.last_ascii.values[li],
        address_base=(1 + np.cumsum(count) - count).astype(np.int64),
        address_count=count,
        has_second=second,
        has_billing=billing,
        ips=_ips(rng, region),
        cards=cards,
        brands=brands,
        buy_weight=rng.lognormal(0.0, 1.0, n),
        power=_power_sellers(rng, n),
    )
    _plant(people)
    return people


def _power_sellers(rng: np.random.Generator, n: int) -> Ints:
    """Seller One plus four early accounts: the platform's biggest shops."""
    pool = np.arange(len(PLANTED), min(n, max(8, n // 20)))
    others = np.sort(rng.choice(pool, POWER_SELLERS - 1, replace=False))
    return np.concatenate([[SELLER_ONE], others]).astype(np.int64)


def _ips(rng: np.random.Generator, region: Ints) -> Objects:
    """Three addresses per account: home broadband, mobile carrier, and IPv6 or another IPv4."""
    n = len(region)
    out = np.empty((n, 3), dtype=object)
    out[:, 0] = ipv4_in(rng, region)
    out[:, 1] = ipv4_in(rng, region)
    v6 = rng.random(n) < 0.4
    out[:, 2] = ipv4_in(rng, region)
    out[v6, 2] = ipv6_in(rng, region[v6])
    return out


def ipv4_in(rng: np.random.Generator, region: Ints) -> list[str]:
    """Consumer IPv4 addresses from the first octets typical of each row's country."""
    t = tables()
    first = t.octets.values[t.octets.draw(rng, region)].astype(np.int64)
    rest = rng.integers(1, 255, size=(len(region), 3))
    return text.ipv4([first, rest[:, 0], rest[:, 1], rest[:, 2]])


def ipv6_in(rng: np.random.Generator, region: Ints) -> list[str]:
    """IPv6 addresses under a large access provider's prefix in each row's country."""
    prefix = tables().ipv6[region].tolist()
    groups = rng.integers(0, 65536, size=(len(region), 6)).tolist()
    return [f"{p}:{g[0]:x}:{g[1]:x}:{g[2]:x}:{g[3]:x}:{g[4]:x}:{g[5]:x}"
            for p, g in zip(prefix, groups, strict=True)]  # fmt: skip


def _cards(rng: np.random.Generator, n: int) -> tuple[Objects, Objects]:
    """Up to two payment cards per account, kept masked as the platform stores them."""
    last4 = rng.integers(0, 10_000, size=(n, 2))
    brand = choose(rng, vocab.CARD_WEIGHTS, 2 * n).reshape(n, 2)
    same = rng.random(n) < 0.6
    last4[same, 1], brand[same, 1] = last4[same, 0], brand[same, 0]
    masked = text.strings([text.literal("**** **** **** ", 2 * n), text.digits(last4.ravel(), 4)])
    return objects(masked).reshape(n, 2), objects(vocab.CARD_BRANDS)[brand]


def _plant(people: People) -> None:
    """Overwrite the first accounts with the fixed, documented ones."""
    for i, p in enumerate(PLANTED):
        people.created[i] = p.created
        people.first[i], people.last[i] = p.first, p.last
        people.ips[i, 0] = p.ip
    people.buy_weight[BARGAIN_HUNTER] *= 25.0
    people.buy_weight[A_USER] = max(float(people.buy_weight[A_USER]), 2.0)


def user_chunks(people: People, seed: int) -> Iterator[Columns]:
    """Rows of `users`, a chunk at a time, with unique usernames and e-mail addresses."""
    rng = stream(seed, "users")
    seen_emails = {p.email for p in PLANTED}
    seen_names = {p.username for p in PLANTED}
    for low, high in spans(people.n):
        yield _user_columns(people, rng, slice(low, high), seen_emails, seen_names)


def _user_columns(
    people: People, rng: np.random.Generator, rows: slice, emails: set[str], names: set[str]
) -> Columns:
    """One chunk of `users` columns, in table order."""
    t = tables()
    region = people.region[rows]
    n = len(region)
    numbers = rng.integers(2, 10_000, n).tolist()
    status = objects(vocab.STATUSES)[choose(rng, vocab.STATUS_WEIGHTS, n)]
    power = people.power[(people.power >= rows.start) & (people.power < rows.stop)]
    status[power - rows.start] = "active"  # the big shops are open for business
    ip = people.ips[rows, 0].copy()
    mobile = rng.random(n) < 0.25
    ip[mobile] = people.ips[rows, 1][mobile]
    columns: Columns = [
        people.ids[rows].tolist(),
        _unique(_usernames(rng, people, rows), numbers, names, lambda v, k: f"{v}{k}"),
        _unique(_emails(rng, people, rows), numbers, emails, _email_variant),
        _phones(rng, region),
        _full_names(people, rows),
        status.tolist(),
        t.codes[region].tolist(),
        text.timestamps(people.created[rows]),
        ip.tolist(),
    ]
    if rows.start == 0:
        _plant_rows(columns)
    return columns


def _plant_rows(columns: Columns) -> None:
    """Write the planted accounts' fixed identifiers over the first generated rows."""
    for i, p in enumerate(PLANTED):
        values = (p.username, p.email, p.phone, "active", p.ip)
        for col, value in zip((1, 2, 3, 5, 8), values, strict=True):
            columns[col][i] = value  # type: ignore[index]


def _usernames(rng: np.random.Generator, people: People, rows: slice) -> list[str]:
    """Handles in the styles people pick: names, initials, birth years, hobby words."""
    n = rows.stop - rows.start
    form = rng.integers(0, len(USERNAME_FORMS), n).tolist()
    word = objects(vocab.USERNAME_WORDS)[rng.integers(0, len(vocab.USERNAME_WORDS), n)]
    noun = objects(vocab.USERNAME_NOUNS)[rng.integers(0, len(vocab.USERNAME_NOUNS), n)]
    k, y = rng.integers(1, 100, n).tolist(), rng.integers(1960, 2007, n).tolist()
    first, last = people.first_ascii[rows].tolist(), people.last_ascii[rows].tolist()
    parts = zip(form, first, last, word.tolist(), noun.tolist(), k, y, strict=True)
    return [
        USERNAME_FORMS[fm].format(f=f, l=la, j=la[:1], w=w, n=no, k=kk, y=yy)
        for fm, f, la, w, no, kk, yy in parts
    ]


def _emails(rng: np.random.Generator, people: People, rows: slice) -> list[str]:
    """Lower-case addresses at the mail providers common in each account's country."""
    t = tables()
    region = people.region[rows]
    n = len(region)
    form = rng.integers(0, len(EMAIL_FORMS), n).tolist()
    domain = t.domains.values[t.domains.draw(rng, region)].tolist()
    k, y = rng.integers(1, 100, n).tolist(), rng.integers(60, 100, n).tolist()
    first, last = people.first_ascii[rows].tolist(), people.last_ascii[rows].tolist()
    parts = zip(form, first, last, k, y, domain, strict=True)
    return [
        EMAIL_FORMS[fm].format(f=f, l=la, i=f[:1], k=kk, y=yy) + "@" + d
        for fm, f, la, kk, yy, d in parts
    ]


def _email_variant(email: str, number: int) -> str:
    """The same mailbox name with a number, as providers suggest when a name is taken."""
    return email.replace("@", f"{number}@", 1)


def _unique(
    values: list[str], numbers: list[int], seen: set[str], variant: Callable[[str, int], str]
) -> list[str]:
    """Make each value unique across the whole table by numbering the rare repeats."""
    out = []
    for value, number in zip(values, numbers, strict=True):
        candidate, bump = value, number
        while candidate in seen:
            candidate, bump = variant(value, bump), bump * 10 + 7
        seen.add(candidate)
        out.append(candidate)
    return out


def _phones(rng: np.random.Generator, region: Ints) -> list[str]:
    """E.164 numbers: country code, a real mobile prefix or area code, then subscriber digits."""
    t = tables()
    lead = t.leads.values[t.leads.draw(rng, region)].tolist()
    width = t.digits[region]
    number = (rng.random(len(region)) * 8 * 10.0 ** (width - 1) + 2 * 10 ** (width - 1)).astype(
        np.int64
    )
    parts = zip(t.dial[region].tolist(), lead, number.tolist(), strict=True)
    return [f"{d}{ld}{x}" for d, ld, x in parts]


def _full_names(people: People, rows: slice) -> list[str]:
    """Names in the order each country writes them."""
    order = tables().order
    parts = zip(
        people.region[rows].tolist(),
        people.first[rows].tolist(),
        people.last[rows].tolist(),
        strict=True,
    )
    return [
        f"{la}{f}" if order[r] == "eastern" else
        f"{la} {f}" if order[r] == "eastern_spaced" else f"{f} {la}"
        for r, f, la in parts
    ]  # fmt: skip
