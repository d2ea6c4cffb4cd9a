"""Writes of the monitoring workflow: open a case, act on it, plan and record assistance.

Every use case runs in one transaction, locks the case row first (`select_for_update`; on
SQLite the IMMEDIATE transaction serialises writers), checks the table in `workflow.py` and
its guards, changes the state with `save(update_fields=...)` and writes one `CaseEvent`.

One module per use case; the names callers use are re-exported here.
"""

from .assistance import MEASURE_ROLES as MEASURE_ROLES
from .assistance import PLAN_FIELDS as PLAN_FIELDS
from .assistance import PLAN_ROLES as PLAN_ROLES
from .assistance import measure_create as measure_create
from .assistance import measure_update as measure_update
from .assistance import plan_set as plan_set
from .attachments import ATTACHMENT_KINDS as ATTACHMENT_KINDS
from .attachments import ATTACHMENT_ROLES as ATTACHMENT_ROLES
from .attachments import case_attachment_add as case_attachment_add
from .cases import STEP_ACTIONS as STEP_ACTIONS
from .cases import case_act as case_act
from .cases import case_create as case_create
from .common import MAX_RISK_TYPES as MAX_RISK_TYPES
from .common import clean_risk_types as clean_risk_types
from .deadlines import deadlines_recompute as deadlines_recompute
