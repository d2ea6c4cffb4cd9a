"""Screening use cases: upload a batch, run it (in the worker), act on warnings.

One module per use case; the names callers use are re-exported here.
"""

from .batches import batch_rerun as batch_rerun
from .batches import batch_upload as batch_upload
from .common import ACT_ROLES as ACT_ROLES
from .common import ENGINES as ENGINES
from .common import EVIDENCE_ROWS as EVIDENCE_ROWS
from .common import UPLOAD_ROLES as UPLOAD_ROLES
from .common import batch_dir as batch_dir
from .common import period_bounds as period_bounds
from .recovery import batch_refresh as batch_refresh
from .recovery import batches_recover as batches_recover
from .running import batch_run as batch_run
from .running import rule_params as rule_params
from .warnings import warning_dismiss as warning_dismiss
from .warnings import warning_open_case as warning_open_case
