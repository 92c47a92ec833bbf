"""`__under`: materialised-path prefix match that uses the index on both databases.

SQLite's LIKE is case-insensitive and so never uses a plain index for `path LIKE 'p%'`; GLOB is
case-sensitive and does. PostgreSQL uses the varchar_pattern_ops index Django creates for LIKE.
Paths hold only digits and "/", so neither pattern needs escaping.
"""
from django.db import models


@models.CharField.register_lookup
class Under(models.Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        op, wildcard = ("GLOB", "*") if connection.vendor == "sqlite" else ("LIKE", "%")
        return f"{lhs} {op} {rhs}", [*lhs_params, *(f"{p}{wildcard}" for p in rhs_params)]
