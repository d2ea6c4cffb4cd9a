"""Writes to the registry. Persons are never deleted and memberships are never rewritten:
a member who leaves gets `ended_on`; 分户 and 合户 end memberships and start new ones.

Every save names the acting user (`_history_user`), so simple-history records who changed
what even for API calls authenticated by token, where the request has no session user.

The functions live in modules by use case; this package re-exports them so callers keep
writing `services.household_create` and `from fangpin.registry.services import ...`.
"""

from .archive import ARCHIVE_MAX_BYTES as ARCHIVE_MAX_BYTES
from .archive import archive_document_add as archive_document_add
from .attention import attention_flag_set as attention_flag_set
from .common import DUPLICATE_PERSON as DUPLICATE_PERSON
from .common import EMPTY_HOUSEHOLD as EMPTY_HOUSEHOLD
from .common import EMPTY_NAME as EMPTY_NAME
from .common import HEAD_COUNT as HEAD_COUNT
from .common import HEAD_REQUIRED as HEAD_REQUIRED
from .common import HOUSEHOLD_NUMBER_SEQUENCE_DIGITS as HOUSEHOLD_NUMBER_SEQUENCE_DIGITS
from .common import INVALID_AMOUNT as INVALID_AMOUNT
from .common import INVALID_CHOICE as INVALID_CHOICE
from .common import INVALID_YEAR as INVALID_YEAR
from .common import NEGATIVE_AMOUNT as NEGATIVE_AMOUNT
from .common import NO_MEMBERS as NO_MEMBERS
from .common import NOT_A_MEMBER as NOT_A_MEMBER
from .common import PERSON_IN_OTHER_HOUSEHOLD as PERSON_IN_OTHER_HOUSEHOLD
from .common import ROLE_READ_ONLY as ROLE_READ_ONLY
from .common import SAME_HOUSEHOLD as SAME_HOUSEHOLD
from .common import VILLAGE_NOT_FOUND as VILLAGE_NOT_FOUND
from .common import CleanMember as CleanMember
from .common import MemberData as MemberData
from .common import clean_choice as clean_choice
from .common import clean_disability_grade as clean_disability_grade
from .common import clean_health as clean_health
from .common import clean_member as clean_member
from .common import household_for_write as household_for_write
from .common import next_household_number as next_household_number
from .common import require_writer as require_writer
from .employment import person_employment_set as person_employment_set
from .guarantees import guarantees_set as guarantees_set
from .households import household_create as household_create
from .households import household_update as household_update
from .incomes import income_links_set as income_links_set
from .incomes import income_record as income_record
from .incomes import per_capita_net as per_capita_net
from .members import household_merge as household_merge
from .members import household_split as household_split
from .members import member_add as member_add
from .members import member_end as member_end
