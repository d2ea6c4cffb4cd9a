"""Programs (CONTRACT §8, DOMAIN §9): what keeps incomes above the line. One module each:
- funds: 衔接资金 allocations, the project library and its spending;
- assets: project assets and their six rights (六权同确);
- industry: business entities and the households' benefit links (四金);
- employment: workshops (帮扶车间) and their workers; talents (人才); transfer employment
  (转移就业) and public-welfare jobs (公益岗);
- training: schools, courses, enrolments, certificates (技能培训);
- groups: 联村共建 groups of villages.
Assets also hold their income, disposals and the yearly check (年度清查).
"""

from .assets import Asset as Asset
from .assets import AssetCheck as AssetCheck
from .assets import AssetClass as AssetClass
from .assets import AssetDisposal as AssetDisposal
from .assets import AssetIncome as AssetIncome
from .assets import CheckRound as CheckRound
from .assets import Condition as Condition
from .assets import DisposalKind as DisposalKind
from .assets import DisposalState as DisposalState
from .assets import DistributionRule as DistributionRule
from .employment import PublicWelfareJob as PublicWelfareJob
from .employment import Talent as Talent
from .employment import TransferEmployment as TransferEmployment
from .employment import Workshop as Workshop
from .employment import WorkshopType as WorkshopType
from .employment import WorkshopWorker as WorkshopWorker
from .funds import FundAllocation as FundAllocation
from .funds import FundLevel as FundLevel
from .funds import Project as Project
from .funds import ProjectSpending as ProjectSpending
from .funds import ProjectStatus as ProjectStatus
from .funds import Purpose as Purpose
from .groups import VillageGroup as VillageGroup
from .industry import BenefitKind as BenefitKind
from .industry import BenefitLink as BenefitLink
from .industry import Entity as Entity
from .industry import EntityType as EntityType
from .training import Certificate as Certificate
from .training import Enrolment as Enrolment
from .training import SchoolType as SchoolType
from .training import TrainingCourse as TrainingCourse
from .training import TrainingSchool as TrainingSchool
