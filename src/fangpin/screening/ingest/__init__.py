"""Reading a department file: sniff its format, check its header and types, stage its rows.

Everything a user can get wrong about a file as a whole is found here, from its first bytes
and first rows, before a batch is created: an empty file, a file that is not what its
extension says, garbage, missing columns, a column of the wrong type. Each answer is a
BadValue with a Chinese message and a stable code. Rows that are wrong one by one are the
engine's business (counted and listed as malformed).

One module per step; the names callers use are re-exported here.
"""

from .common import SAMPLE_ROWS as SAMPLE_ROWS
from .common import Inspected as Inspected
from .sniffing import FORMATS as FORMATS
from .sniffing import SNIFF_BYTES as SNIFF_BYTES
from .sniffing import file_format as file_format
from .sniffing import inspect as inspect
from .staging import stage_raw as stage_raw
