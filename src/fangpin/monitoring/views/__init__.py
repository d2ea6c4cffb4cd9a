"""Pages of the monitoring workflow: the 待办 queue, case list and page, action forms, the
report form, plan and measures, and the printable notices. Thin: reads through `selectors`,
writes through `services`; which buttons a cadre gets comes from `workflow.TRANSITIONS`.

One module per group of pages; the views `urls.py` names are re-exported here."""

from .assistance import measure_add as measure_add
from .assistance import measure_done as measure_done
from .assistance import plan_edit as plan_edit
from .cases import case_action as case_action
from .cases import case_detail as case_detail
from .cases import case_report as case_report
from .notices import announcement as announcement
from .notices import case_card as case_card
from .notices import case_notice as case_notice
from .queues import PAGE_SIZE as PAGE_SIZE
from .queues import QUEUE_LIMIT as QUEUE_LIMIT
from .queues import Row as Row
from .queues import case_list as case_list
from .queues import todo as todo
