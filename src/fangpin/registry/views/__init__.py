"""HTML pages of the registry: household list, household page (户档), Excel import/export.

Thin views: reads come from `selectors`, writes go through `services` (or `importing`), and a
service's FangpinError is shown to the person as its Chinese `detail`. Pages answer htmx
requests with the part of the page that changed.

The views live in modules by use case; this package re-exports them for `urls.py`.
"""

from .common import XLSX as XLSX
from .common import may_write as may_write
from .households import PAGE_SIZE as PAGE_SIZE
from .households import household_detail as household_detail
from .households import household_list as household_list
from .imports import TEMPLATE_TEXT_ROWS as TEMPLATE_TEXT_ROWS
from .imports import export as export
from .imports import import_confirm as import_confirm
from .imports import import_page as import_page
from .imports import import_summary as import_summary
from .imports import import_template as import_template
from .members import MEMBER_FIELDS as MEMBER_FIELDS
from .members import attention_set as attention_set
from .members import member_add as member_add
from .members import member_end as member_end
from .sections import contact_update as contact_update
from .sections import document_add as document_add
from .sections import document_download as document_download
from .sections import guarantees_update as guarantees_update
from .sections import income_add as income_add
