"""Portal sessions: a random cookie token stored only as its SHA-256, with a CSRF token each."""

from __future__ import annotations

import datetime as dt

from lawgate.credentials import CSRF_FIELD as CSRF_FIELD
from lawgate.credentials import CsrfRefusedError as CsrfRefusedError
from lawgate.credentials import SessionKind, SignedIn
from lawgate.credentials import check_csrf as check_csrf
from lawgate.credentials import digest as digest
from lawgate.credentials import new_token as new_token
from lawgate.portal.accounts import REALM, OfficerAccount, get_officer
from lawgate.portal.models import OfficerSessionRow

LIFETIME = dt.timedelta(hours=8)
PortalSession = SignedIn[OfficerAccount]
KIND = SessionKind(REALM, OfficerSessionRow, "officer_id", LIFETIME, get_officer)
start, resume, end = KIND.start, KIND.resume, KIND.end
