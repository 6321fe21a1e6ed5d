"""Data contracts: one per extract the report reads, and one per open reference file.

Each contract (:class:`Contract`) names the folder an extract is delivered
to, its columns (:class:`Field`), their types and allowed values, the ids that
must be unique and the rules that join columns (:class:`RowCheck`). Staging
(:func:`vawg.intake.staging.validate_and_stage`) checks every delivered file against
its contract with pandera and stages typed Parquet.

Examples
--------
>>> from vawg.intake.contracts import contract
>>> contract("police_offences").folder
'police_offences'
>>> [f.name for f in contract("population").fields][:3]
['area_code', 'area_name', 'year']
"""

from __future__ import annotations

from vawg.intake.contracts._spec import Context, Contract, Field, RowCheck
from vawg.intake.contracts.adults import ASC_SAFEGUARDING
from vawg.intake.contracts.children import CSSW_FORMS, EARLY_HELP_FORMS
from vawg.intake.contracts.csn import CSN_INTAKE_FORMS, CSN_RISK_CHECKLISTS, CSN_WORKFLOWS
from vawg.intake.contracts.housing import HOMELESSNESS, HOUSING_REGISTER
from vawg.intake.contracts.marac import MARAC
from vawg.intake.contracts.nhs_fgm import NHS_FGM
from vawg.intake.contracts.police import POLICE_OFFENCES, POLICE_SUSPECTS, POLICE_VICTIMS
from vawg.intake.contracts.population import POPULATION
from vawg.intake.contracts.safety_bus import SAFETY_BUS
from vawg.intake.contracts.victim_support import VICTIM_SUPPORT
from vawg.intake.contracts.wards import WARDS

__all__ = ["CONTRACTS", "Context", "Contract", "Field", "RowCheck", "contract"]

# In checking order: the ward list first (the police extracts' ward codes are checked against it).
CONTRACTS: tuple[Contract, ...] = (
    WARDS,
    POLICE_OFFENCES,
    POPULATION,
    POLICE_VICTIMS,
    POLICE_SUSPECTS,
    SAFETY_BUS,
    CSN_WORKFLOWS,
    CSN_RISK_CHECKLISTS,
    CSN_INTAKE_FORMS,
    MARAC,
    CSSW_FORMS,
    EARLY_HELP_FORMS,
    ASC_SAFEGUARDING,
    HOUSING_REGISTER,
    HOMELESSNESS,
    VICTIM_SUPPORT,
    NHS_FGM,
)


def contract(name: str) -> Contract:
    """The contract called ``name``."""
    for item in CONTRACTS:
        if item.name == name:
            return item
    raise KeyError(f"no contract called {name!r}")
