"""Eligibility rules (申报条件): parse, evaluate one enterprise, compile to Polars.

A rule is a JSON tree (documented in docs/policy-rules.md):

    {"all": [node, ...]}  {"any": [node, ...]}  {"not": node}  {"type": "<clause>", ...}

Every clause has three outcomes: True (pass), False (fail), None (unknown: a fact it
needs is missing). Missing is never read as zero or false; all/any/not follow Kleene
logic, in Python (`evaluate`) and in Polars (`expr`, nullable booleans) alike. This
module does no database work: facts come in as `EnterpriseFacts` or as a wide frame
whose column names `Need.column` defines."""

from qinqing.policies.rules.base import (
    FIELD_LABELS,
    FLAG_FIELDS,
    MONEY_FIELDS,
    OP_LABELS,
    OPS,
    PRECISION,
    PROFILE_NUMBERS,
    YEAR_FIELDS,
    ClauseResult,
    EnterpriseFacts,
    Need,
    RuleError,
    fmt_number,
    fmt_percent,
    label,
    status_word,
    year_label,
)
from qinqing.policies.rules.benefits import Benefit
from qinqing.policies.rules.clauses import (
    FlagClause,
    InSetClause,
    NotAwardedClause,
    PrefixClause,
    QualificationClause,
    RegistrationAgeClause,
    qualification_label,
    shift_years,
)
from qinqing.policies.rules.nodes import Clause, Group, Node, Not, kleene_all, kleene_any
from qinqing.policies.rules.numeric import GrowthClause, RatioClause, ThresholdClause
from qinqing.policies.rules.parsing import CLAUSE_TYPES, parse, top_level

__all__ = [
    "Benefit",
    "CLAUSE_TYPES",
    "Clause",
    "ClauseResult",
    "EnterpriseFacts",
    "FIELD_LABELS",
    "FLAG_FIELDS",
    "FlagClause",
    "Group",
    "GrowthClause",
    "InSetClause",
    "MONEY_FIELDS",
    "Need",
    "Node",
    "Not",
    "NotAwardedClause",
    "OPS",
    "OP_LABELS",
    "PRECISION",
    "PROFILE_NUMBERS",
    "PrefixClause",
    "QualificationClause",
    "RatioClause",
    "RegistrationAgeClause",
    "RuleError",
    "ThresholdClause",
    "YEAR_FIELDS",
    "fmt_number",
    "fmt_percent",
    "kleene_all",
    "kleene_any",
    "label",
    "parse",
    "qualification_label",
    "shift_years",
    "status_word",
    "top_level",
    "year_label",
]
