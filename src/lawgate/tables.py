"""Every domain package's tables, gathered so Alembic and tests see one schema."""

from __future__ import annotations

from sqlalchemy import MetaData

from lawgate.auditlog import models as _auditlog_models
from lawgate.cases import models as _cases_models
from lawgate.holds import models as _holds_models
from lawgate.intake import models as _intake_models
from lawgate.notices import models as _notices_models
from lawgate.portal import models as _portal_models
from lawgate.production import models as _production_models
from lawgate.reports import models as _reports_models
from lawgate.staff import models as _staff_models
from lawgate.store.base import Base

TABLE_MODULES = (
    _intake_models,
    _portal_models,
    _cases_models,
    _auditlog_models,
    _production_models,
    _holds_models,
    _notices_models,
    _staff_models,
    _reports_models,
)
metadata: MetaData = Base.metadata
