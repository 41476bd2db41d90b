"""Identity resolution on the small demo marketplace, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from lawgate.datamap.model import DataMap
from lawgate.datamap.resolve import resolve_targets
from lawgate.demo import schema
from lawgate.domain import Target, TargetType

T = TargetType


def _row(engine: sa.Engine, sql: str, **params: object) -> Any:
    """The first row of an independent, hand-written query giving the expected answer."""
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).first()


def _column(engine: sa.Engine, sql: str, **params: object) -> tuple[str, ...]:
    """Sorted distinct values of a hand-written query's first column."""
    with engine.connect() as conn:
        return tuple(sorted({str(v) for v in conn.execute(sa.text(sql), params).scalars()}))


def _one(engine: sa.Engine, datamap: DataMap, target: Target) -> tuple[str, ...]:
    """The account ids one target resolves to."""
    (result,) = resolve_targets(engine, datamap, [target]).results
    assert result.target == target
    return result.account_ids


@pytest.mark.parametrize(
    ("kind", "value", "account"),
    [
        (T.EMAIL, "seller.one@example.com", "A000000001"),
        (T.EMAIL, "SELLER.One@Example.com ", "A000000001"),
        (T.EMAIL, "A@EXAMPLE.COM", "A000000002"),
        (T.USERNAME, "bargainhunter77", "A000000003"),
        (T.ACCOUNT_ID, "A000000002", "A000000002"),
        (T.PHONE, "+14155550101", "A000000001"),
        (T.PHONE, "+1 (415) 555-0101", "A000000001"),
        (T.PHONE, "001-415-555.0177", "A000000003"),
        (T.ORDER_ID, "ORD-1000042", "A000000003"),
        (T.ORDER_ID, "ORD-1000007", "A000000002"),
    ],
)
def test_planted_targets(
    marketplace: sa.Engine, shipped: DataMap, kind: TargetType, value: str, account: str
) -> None:
    """The fixed records resolve, after normalisation; an order resolves to its buyer."""
    assert _one(marketplace, shipped, Target(type=kind, value=value)) == (account,)


def test_phone_of_a_generated_user(marketplace: sa.Engine, shipped: DataMap) -> None:
    """A real generated phone, written as people write it, finds every account holding it."""
    (phone,) = _row(marketplace, "SELECT phone FROM users WHERE account_id = 'A000000123'")
    expected = _column(marketplace, "SELECT account_id FROM users WHERE phone = :p", p=phone)
    spaced = f"{phone[:-10]} ({phone[-10:-7]}) {phone[-7:-4]}-{phone[-4:]}"
    assert "A000000123" in expected
    for written in (phone, spaced, "00" + phone[1:]):
        assert _one(marketplace, shipped, Target(type=T.PHONE, value=written)) == expected


def test_listing_resolves_to_shop_owner(marketplace: sa.Engine, shipped: DataMap) -> None:
    """A listing id identifies the account owning the shop that offers it."""
    listing, owner = _row(
        marketplace,
        "SELECT l.listing_id, s.owner_account_id FROM listings l"
        " JOIN shops s ON s.shop_id = l.shop_id ORDER BY l.listing_id DESC",
    )
    assert _one(marketplace, shipped, Target(type=T.LISTING_ID, value=listing)) == (owner,)


def test_payment_reference_resolves_to_payer(marketplace: sa.Engine, shipped: DataMap) -> None:
    """A processor reference identifies the paying account."""
    reference, payer = _row(
        marketplace,
        "SELECT processor_reference, payer_account_id FROM payments WHERE payment_id = 77",
    )
    target = Target(type=T.PAYMENT_REFERENCE, value=reference)
    assert _one(marketplace, shipped, target) == (payer,)


def test_ip_address_within_the_window(marketplace: sa.Engine, shipped: DataMap) -> None:
    """An IP address finds who signed in from it within an hour of the moment given."""
    logins = schema.logins.c
    with marketplace.connect() as conn:
        ip, at = conn.execute(
            sa.select(logins.ip_address, logins.at).where(logins.login_id == 99)
        ).one()
        window = logins.at.between(at - dt.timedelta(minutes=10), at + dt.timedelta(minutes=110))
        query = sa.select(logins.account_id).where(logins.ip_address == ip, window)
        expected = tuple(sorted(set(conn.execute(query).scalars())))
    assert expected
    later = at + dt.timedelta(minutes=50)
    assert _one(marketplace, shipped, Target(type=T.IP_ADDRESS, value=ip, at=later)) == expected
    aware = later.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert _one(marketplace, shipped, Target(type=T.IP_ADDRESS, value=ip, at=aware)) == expected
    far = Target(type=T.IP_ADDRESS, value=ip, at=at - dt.timedelta(days=3650))
    assert _one(marketplace, shipped, far) == ()


def test_unknown_values_are_unmatched(marketplace: sa.Engine, shipped: DataMap) -> None:
    """Values that identify nobody, or cannot be normalised, are listed as unmatched."""
    known = Target(type=T.USERNAME, value="sellerone")
    unknown = [
        Target(type=T.EMAIL, value="nobody@example.org"),
        Target(type=T.USERNAME, value="BargainHunter77"),
        Target(type=T.PHONE, value="415-555-0101"),
        Target(type=T.ACCOUNT_ID, value="A999999999"),
        Target(type=T.ORDER_ID, value="ORD-0000001"),
        Target(type=T.LISTING_ID, value="LST-99999999"),
        Target(type=T.PAYMENT_REFERENCE, value="ch_nothing"),
        Target(type=T.IP_ADDRESS, value="not-an-ip", at=dt.datetime(2024, 1, 1)),
    ]
    resolution = resolve_targets(marketplace, shipped, [known, *unknown])
    assert resolution.unmatched == tuple(unknown)
    assert resolution.account_ids == ("A000000001",)
    assert not resolution.no_data


def test_nothing_matched_is_no_data(marketplace: sa.Engine, shipped: DataMap) -> None:
    """A request whose targets all match nothing is a 'no data' answer."""
    targets = [
        Target(type=T.EMAIL, value="ghost@example.org"),
        Target(type=T.IP_ADDRESS, value="2001:db8::1", at=dt.datetime(2023, 5, 1, 12)),
    ]
    resolution = resolve_targets(marketplace, shipped, targets)
    assert resolution.no_data and resolution.unmatched == tuple(targets)
    assert resolve_targets(marketplace, shipped, []).no_data


def test_results_keep_request_order_and_sort_accounts(
    marketplace: sa.Engine, shipped: DataMap
) -> None:
    """Results follow the request's targets; account ids are sorted and de-duplicated."""
    targets = [
        Target(type=T.USERNAME, value="bargainhunter77"),
        Target(type=T.EMAIL, value="a@example.com"),
        Target(type=T.ACCOUNT_ID, value="A000000003"),
    ]
    resolution = resolve_targets(marketplace, shipped, targets)
    assert [r.target for r in resolution.results] == targets
    assert resolution.account_ids == ("A000000002", "A000000003")


def test_window_edges_are_inclusive(marketplace: sa.Engine, shipped: DataMap) -> None:
    """A sign-in exactly an hour from the moment given is inside the window, on every engine."""
    logins = schema.logins.c
    with marketplace.connect() as conn:
        ip, at, account = conn.execute(
            sa.select(logins.ip_address, logins.at, logins.account_id).where(logins.login_id == 7)
        ).one()
    for moment in (at - dt.timedelta(hours=1), at + dt.timedelta(hours=1)):
        found = _one(marketplace, shipped, Target(type=T.IP_ADDRESS, value=ip, at=moment))
        assert account in found
    narrow = resolve_targets(
        marketplace,
        shipped,
        [Target(type=T.IP_ADDRESS, value=ip, at=at + dt.timedelta(minutes=2))],
        window=dt.timedelta(minutes=1),
    )
    assert account not in narrow.account_ids
