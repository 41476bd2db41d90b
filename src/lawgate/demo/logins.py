"""Sign-ins: the identification data (which IP and device used an account, and when)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from lawgate.demo import text, vocab
from lawgate.demo.common import (
    END,
    Columns,
    Ints,
    Objects,
    between,
    choose,
    objects,
    spans,
    stream,
    weighted,
)
from lawgate.demo.people import People, ipv4_in

LOGINS_PER_USER = 5
SHARED_IP_SHARE = 0.03
IP_CHOICE = (0.55, 0.35, 0.10)
DEVICE_NAMES = objects([d[0] for d in vocab.DEVICES])
USER_AGENTS = objects([d[1] for d in vocab.DEVICES])


@dataclass(frozen=True)
class Logins:
    """Who signed in when, sorted by time so login ids follow time."""

    user: Ints
    at: Ints

    @property
    def n(self) -> int:
        """How many sign-ins there are."""
        return len(self.at)


def plan_logins(people: People, seed: int) -> Logins:
    """Active buyers and every seller sign in often; the power sellers daily."""
    rng = stream(seed, "logins")
    weight = 0.3 + people.buy_weight**0.7
    weight[people.power] *= 40.0
    user = weighted(rng, weight, LOGINS_PER_USER * people.n)
    at = between(rng, people.created[user] + 30, END)
    order = np.argsort(at, kind="stable")
    return Logins(user=user[order], at=at[order])


def _devices(people: People, seed: int) -> tuple[Ints, Ints]:
    """Each account's phone and computer, fixed per account so its sessions look alike."""
    rng = stream(seed, "devices")
    mobile = rng.integers(0, vocab.MOBILE_DEVICES, people.n)
    desktop = rng.integers(vocab.MOBILE_DEVICES, len(vocab.DEVICES), people.n)
    return mobile, desktop


def _shared_pool(people: People, seed: int) -> Objects:
    """Public Wi-Fi and VPN exits: one IP seen on many accounts, as in real traffic."""
    rng = stream(seed, "shared-ips")
    size = max(16, people.n // 200)
    return objects(ipv4_in(rng, rng.integers(0, int(people.region.max()) + 1, size)))


def login_chunks(people: People, logins: Logins, seed: int) -> Iterator[Columns]:
    """Rows of `logins`."""
    rng = stream(seed, "login-rows")
    mobile, desktop = _devices(people, seed)
    pool = _shared_pool(people, seed)
    for low, high in spans(logins.n):
        user, n = logins.user[low:high], high - low
        ip = people.ips[user, choose(rng, IP_CHOICE, n)]
        shared = np.flatnonzero(rng.random(n) < SHARED_IP_SHARE)
        ip[shared] = pool[rng.integers(0, len(pool), len(shared))]
        device = np.where(rng.random(n) < 0.65, mobile[user], desktop[user])
        yield [
            list(range(low + 1, high + 1)),
            people.ids[user].tolist(),
            ip.tolist(),
            text.timestamps(logins.at[low:high]),
            DEVICE_NAMES[device].tolist(),
            USER_AGENTS[device].tolist(),
        ]
