"""The switch that lets the test suite empty its throwaway databases despite the audit log's triggers.

SQLite's trigger asks the function `mast_audit_maintenance()`, which MAST registers on each connection and
which answers "no" unless `enabled` is set; a connection without it (a database shell) cannot even run the
trigger, so changes are refused there too. PostgreSQL's trigger reads the session setting
`mast.audit_maintenance`, which only `apply` sets.
"""

enabled = False


def register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("mast_audit_maintenance", 0, lambda: int(enabled))
    elif connection.vendor == "postgresql" and enabled:
        with connection.cursor() as cursor:
            cursor.execute("SET mast.audit_maintenance = 'on'")
