"""The upload gate: every uploaded file passes here (size, type by content, bounded parsing)
before any app reads it, and the private modes (0600/0700) of what the server writes. One
module per step; the names callers use are re-exported here."""

from .errors import FileRefused as FileRefused
from .errors import FileTooComplex as FileTooComplex
from .errors import FileTooLarge as FileTooLarge
from .errors import FileTypeRefused as FileTypeRefused
from .errors import FileUnreadable as FileUnreadable
from .gate import Admitted as Admitted
from .gate import admit as admit
from .gate import admit_path as admit_path
from .gate import on_disk as on_disk
from .gate import read_sheet as read_sheet
from .gate import refuse_oversize as refuse_oversize
from .gate import sheet_to_parquet as sheet_to_parquet
from .kinds import ATTACHMENT as ATTACHMENT
from .kinds import DEPARTMENT_BATCH as DEPARTMENT_BATCH
from .kinds import SPREADSHEET_IMPORT as SPREADSHEET_IMPORT
from .kinds import Limits as Limits
from .modes import FILE_MODE as FILE_MODE
from .modes import FOLDER_MODE as FOLDER_MODE
from .modes import UMASK as UMASK
from .modes import private_file as private_file
from .modes import private_folder as private_folder
from .modes import private_tree as private_tree
from .sniff import CONTENT_TYPES as CONTENT_TYPES
from .sniff import sniff as sniff
