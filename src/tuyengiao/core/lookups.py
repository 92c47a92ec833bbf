"""`__under`: materialised-path prefix match that uses the index on both databases.

SQLite's LIKE is case-insensitive and so never uses a plain index for `path LIKE 'p%'`; GLOB is
case-sensitive and does. PostgreSQL uses the varchar_pattern_ops index Django creates for LIKE.
Paths hold only digits and "/", so neither pattern needs escaping.
"""
from django.db import models


def _operator(vendor: str) -> tuple[str, str]:
    return ("GLOB", "*") if vendor == "sqlite" else ("LIKE", "%")


def under_sql(column: str, path: str, vendor: str) -> tuple[str, list[str]]:
    """The same prefix match for hand-written SQL: (fragment, params)."""
    op, wildcard = _operator(vendor)
    return f"{column} {op} %s", [f"{path}{wildcard}"]


@models.CharField.register_lookup
class Under(models.Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        op, wildcard = _operator(connection.vendor)
        return f"{lhs} {op} {rhs}", [*lhs_params, *(f"{p}{wildcard}" for p in rhs_params)]
