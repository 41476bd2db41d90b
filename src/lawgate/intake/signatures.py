"""RFC 9421 HTTP Message Signatures on the agency API: who sent a call, proven, or 401 saying why.

An agency signs every call with its Ed25519 key (`keyid` = the registry's key id), covering at
least `@method`, `@target-uri` and `content-digest` (RFC 9530, the body's SHA-256 or SHA-512),
with `created`, a fresh `nonce` and `tag="lawgate"`. The `http-message-signatures` library builds
the signature base and checks the cryptography; this module adds lawgate's policy (registered,
unrevoked key, age, nonce never seen before) and audits every refusal in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
import weakref
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    MappingKeyResolver,
    VerifyResult,
    algorithms,
)
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lawgate.auditlog import log
from lawgate.domain import Agency
from lawgate.errors import UnauthenticatedError
from lawgate.intake import keys
from lawgate.intake import services as intake
from lawgate.intake.models import NonceRow
from lawgate.store.base import utcnow
from lawgate.store.session import transaction

TAG = "lawgate"
LABEL = "lawgate"
REQUIRED = ("@method", "@target-uri", "content-digest")
MAX_AGE = dt.timedelta(seconds=300)
CLOCK_SKEW = dt.timedelta(seconds=30)
NONCE_MEMORY = MAX_AGE + 2 * CLOCK_SKEW
"""A nonce is remembered as long as any signature carrying it could still be accepted."""
NONCE_PRUNE_EVERY = dt.timedelta(seconds=30)
"""How often each process deletes expired nonces; keeping them longer only costs a little space."""
NONCE_MIN, NONCE_MAX = 16, 128
REFUSED_EVENT = "api:signature:refused"
SUBJECT_MAX = 200


@dataclass(frozen=True)
class HttpMessage:
    """A request as signatures see it: method, absolute URL, header lines, and the body."""

    method: str
    url: str
    headers: MutableMapping[str, str] | Mapping[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Caller:
    """A verified sender: its agency and the key and nonce it signed with."""

    agency: Agency
    key_id: str
    nonce: str


class RefusedError(Exception):
    """Why a call is not accepted: a short code for the audit log and a message for the caller."""

    def __init__(self, code: str, message: str, field: str = "signature") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.key_id: str | None = None
        """The registered key the call named, once known (the audit entry's actor)."""


@dataclass(frozen=True)
class SignatureInput:
    """The one signature tagged "lawgate": its covered components and parameters."""

    label: str
    components: list[str]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key_id(self) -> str:
        """The signed `keyid`, checked to be a registrable key id."""
        value = self.params.get("keyid")
        if not isinstance(value, str) or not keys.KEY_ID_PATTERN.fullmatch(value):
            raise RefusedError("malformed", "the signature names no valid keyid")
        return value


def header(headers: Mapping[str, str], name: str) -> str | None:
    """All lines of one header joined as HTTP combines them, or None when absent."""
    values = [value for key, value in headers.items() if key.lower() == name]
    return ", ".join(values) if values else None


def verify_request(factory: sessionmaker[Session], message: HttpMessage) -> Caller:
    """The agency that signed this call, or 401 naming why not; every refusal is audited."""
    _forget_old_nonces(factory, utcnow())
    try:
        with transaction(factory) as session:
            return _verified(session, message)
    except RefusedError as refusal:
        _audit_refusal(factory, message, refusal)
        raise UnauthenticatedError(refusal.message, refusal.field) from None


def _verified(session: Session, message: HttpMessage) -> Caller:
    """Find the registered key, then check the call against it."""
    chosen = signature_input(message.headers)
    key_id = chosen.key_id
    found = keys.find_key(session, key_id)
    if found is None:
        raise RefusedError("unknown_key", f"key id {key_id!r} is not registered")
    try:
        return _checked(session, message, chosen, found)
    except RefusedError as refusal:
        refusal.key_id = key_id
        raise


def _checked(
    session: Session, message: HttpMessage, chosen: SignatureInput, found: keys.ApiKey
) -> Caller:
    """Each check in turn; the nonce is remembered only once everything else holds."""
    now = utcnow()
    if found.revoked_at is not None:
        raise RefusedError(
            "revoked_key",
            f"key {found.key_id!r} was revoked at {found.revoked_at:%Y-%m-%d %H:%M} UTC",
        )
    check_parameters(chosen, now)
    if header(message.headers, "content-digest") is None:
        raise RefusedError(
            "digest_missing",
            "no Content-Digest header: send the body's sha-256 or sha-512 (RFC 9530)",
            "content-digest",
        )
    check_cryptography(message, found.key_id, found.verifier())
    check_digest(message)
    nonce = str(chosen.params["nonce"])
    _remember_nonce(session, found.key_id, nonce, now)
    agency = intake.get_agency(session, found.agency_id)
    return Caller(agency=agency, key_id=found.key_id, nonce=nonce)


def signature_input(headers: Mapping[str, str]) -> SignatureInput:
    """The signature tagged "lawgate" among the Signature-Input header's members."""
    raw_input = header(headers, "signature-input")
    if raw_input is None or header(headers, "signature") is None:
        raise RefusedError(
            "unsigned",
            "the request is not signed: send Signature-Input and Signature headers (RFC 9421)",
        )
    try:
        parsed = cast(
            dict[str, Any], http_sf.parse(raw_input.encode("latin-1"), tltype="dictionary")
        )
    except (ValueError, TypeError, UnicodeError) as exc:
        raise RefusedError("malformed", f"the Signature-Input header is malformed: {exc}") from exc
    ours = [
        (label, member)
        for label, member in parsed.items()
        if isinstance(member[0], list) and member[1].get("tag") == TAG
    ]
    if not ours:
        raise RefusedError("wrong_tag", f'no signature carries tag="{TAG}"')
    if len(ours) > 1:
        raise RefusedError("malformed", f'more than one signature carries tag="{TAG}"')
    label, (items, params) = ours[0]
    components = [str(value) for value, item_params in items if not item_params]
    return SignatureInput(label=label, components=components, params=dict(params))


def check_parameters(chosen: SignatureInput, now: dt.datetime) -> None:
    """Coverage, algorithm, age and nonce: lawgate's policy on top of RFC 9421."""
    missing = [name for name in REQUIRED if name not in chosen.components]
    if missing:
        raise RefusedError(
            "not_covered",
            f"the signature does not cover {', '.join(missing)}; it must cover "
            f"{', '.join(REQUIRED)}",
        )
    alg = chosen.params.get("alg")
    if alg is not None and alg != algorithms.ED25519.algorithm_id:
        raise RefusedError("algorithm", f"alg {alg!r} is not accepted; sign with ed25519")
    _check_times(chosen.params, now)
    nonce = chosen.params.get("nonce")
    if not isinstance(nonce, str):
        raise RefusedError(
            "nonce_missing", "the signature carries no nonce; send a fresh random one"
        )
    if not NONCE_MIN <= len(nonce) <= NONCE_MAX:
        raise RefusedError(
            "nonce_missing", f"the nonce must be {NONCE_MIN} to {NONCE_MAX} random characters"
        )


def _check_times(params: Mapping[str, Any], now: dt.datetime) -> None:
    """`created` within the last five minutes (give or take the clock skew); `expires` ahead."""
    created = _timestamp(params, "created")
    if created is None:
        raise RefusedError("created_missing", "the signature carries no created time")
    age = now - created
    limit = int(MAX_AGE.total_seconds())
    if age > MAX_AGE + CLOCK_SKEW:
        raise RefusedError(
            "expired",
            f"the signature was created {int(age.total_seconds())} s ago; "
            f"lawgate accepts signatures up to {limit} s old",
        )
    if age < -CLOCK_SKEW:
        raise RefusedError(
            "future",
            f"the signature's created time is {int(-age.total_seconds())} s in the future; "
            "check the client's clock",
        )
    expires = _timestamp(params, "expires")
    if expires is not None and expires < now - CLOCK_SKEW:
        raise RefusedError("expired", "the signature's expires time has passed")


def _timestamp(params: Mapping[str, Any], name: str) -> dt.datetime | None:
    """A signature time parameter as UTC, or None when absent."""
    value = params.get(name)
    if value is None:
        return None
    if type(value) is not int:
        raise RefusedError("malformed", f"the signature's {name} must be an integer Unix time")
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise RefusedError("malformed", f"the signature's {name} is out of range") from exc


def check_cryptography(message: HttpMessage, key_id: str, key: Ed25519PublicKey) -> None:
    """The Ed25519 signature over the signature base, as the library rebuilds it."""
    try:
        verify_signature(message, key_id, key)
    except HTTPMessageSignaturesException as exc:
        why = (
            str(exc) or "the method, URL, a covered header or the key differs from what was signed"
        )
        raise RefusedError(
            "bad_signature", f"the signature does not verify with key {key_id!r}: {why}"
        ) from exc


def verify_signature(
    message: HttpMessage,
    key_id: str,
    key: Ed25519PublicKey,
    *,
    tag: str | None = TAG,
    max_age: dt.timedelta | None = MAX_AGE,
    required: Sequence[str] = REQUIRED,
) -> VerifyResult:
    """The library's RFC 9421 verification of one Ed25519 signature (raises when it fails)."""
    resolver = MappingKeyResolver(public_keys={key_id: key}, private_keys={})
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=resolver)
    verifier.max_clock_skew = CLOCK_SKEW
    results = verifier.verify(message, max_age=max_age, expect_tag=tag, require_components=required)
    return results[0]


def check_digest(message: HttpMessage) -> None:
    """The signed Content-Digest must be the digest of the body actually received."""
    value = header(message.headers, "content-digest") or ""
    try:
        ContentDigest.verify(value, message.body)
    except HTTPMessageSignaturesException as exc:
        raise RefusedError(
            "digest_mismatch", f"Content-Digest does not match the body: {exc}", "content-digest"
        ) from exc


def _remember_nonce(session: Session, key_id: str, nonce: str, now: dt.datetime) -> None:
    """One INSERT; the primary key refuses a nonce seen before (a replay), even one racing us."""
    try:
        session.execute(insert(NonceRow).values(nonce=nonce, key_id=key_id, seen_at=now))
    except IntegrityError as exc:
        raise RefusedError(
            "replayed", f"nonce {nonce!r} was already used: the call is a replay"
        ) from exc


class _NoncePruning:
    """When each store's old nonces are next deleted: pruning on every call made calls queue."""

    def __init__(self) -> None:
        self._due: weakref.WeakKeyDictionary[sessionmaker[Session], float] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def claim(self, factory: sessionmaker[Session]) -> bool:
        """True for the one caller in this process that should prune now (the first one does)."""
        moment = time.monotonic()
        with self._lock:
            if self._due.get(factory, moment) > moment:
                return False
            self._due[factory] = moment + NONCE_PRUNE_EVERY.total_seconds()
            return True


_pruning = _NoncePruning()


def _forget_old_nonces(factory: sessionmaker[Session], now: dt.datetime) -> None:
    """Delete nonces too old to matter, in a short transaction of its own, when it is due."""
    if _pruning.claim(factory):
        with transaction(factory) as session:
            session.execute(delete(NonceRow).where(NonceRow.seen_at < now - NONCE_MEMORY))


def _audit_refusal(
    factory: sessionmaker[Session], message: HttpMessage, refusal: RefusedError
) -> None:
    """One audit entry per refused call, committed although the call itself fails."""
    subject = urlsplit(message.url).path[:SUBJECT_MAX] or "/"
    details: dict[str, log.Scalar] = {
        "code": refusal.code,
        "reason": refusal.message,
        "method": message.method[:16],
    }
    actor = f"key:{refusal.key_id}" if refusal.key_id else "anonymous"
    with transaction(factory) as session:
        log.append(session, REFUSED_EVENT, actor, subject, details)


def new_nonce() -> str:
    """A fresh random nonce (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def sign(
    message: HttpMessage,
    key: Ed25519PrivateKey,
    key_id: str,
    *,
    nonce: str | None = None,
    created: dt.datetime | None = None,
) -> None:
    """Add Content-Digest, Signature-Input and Signature to the message's headers, as lawgate
    expects: covering @method, @target-uri, content-digest and content-type when present."""
    if not isinstance(message.headers, MutableMapping):
        raise TypeError("signing needs a message whose headers can be changed")
    covered = list(REQUIRED)
    if header(message.headers, "content-type") is not None:
        covered.append("content-type")
    resolver = MappingKeyResolver(public_keys={}, private_keys={key_id: key})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=resolver)
    signer.sign(
        message,
        key_id=key_id,
        created=created or utcnow(),
        nonce=nonce or new_nonce(),
        label=LABEL,
        tag=TAG,
        covered_component_ids=covered,
        body=message.body,
        use_existing_digest=True,
    )
