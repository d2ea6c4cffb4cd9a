"""Village work (CONTRACT §7). Two halves, each in its own module:
- field: grids, visits (八必访), farmers' own reports, policies, liaisons;
- board: census rounds and problems, village rating (放心村/标杆村), rules, announcements.
"""

from .board import *  # noqa: F403
from .field import *  # noqa: F403
