"""Plain multi-row INSERTs for the few places that write thousands of rows at once (the generator, the
Excel import).

Why not `bulk_create` everywhere: on PostgreSQL Django 5.2 inserts through `UNNEST` of one array per
column, and psycopg's Python array dumper spends most of the time on JSON-heavy rows (ledger event
states, audit entries); multi-row `VALUES` of the prepared values have no such cost, on SQLite too.
These helpers return no primary keys: use `bulk_create` for the rows other rows point at.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

BATCH = 5000
ROWS_PER_STATEMENT = 500


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple], *,
                batch: int = BATCH) -> None:
    """INSERT plain tuples (values already in their database form) into `model`'s table.

    Many rows per statement (`INSERT … VALUES (…), (…), …`, as many as the backend takes parameters),
    `batch` rows per `executemany` round.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    max_params = connection.features.max_query_params or 30_000
    per_statement = max(1, min(ROWS_PER_STATEMENT, max_params // len(columns)))
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(columns))})"

    def statement(n: int) -> str:
        return head + ", ".join([one] * n)

    full = len(rows) - len(rows) % per_statement
    with connection.cursor() as cursor:
        if full:
            params = [[v for row in rows[i:i + per_statement] for v in row] for i in range(0, full, per_statement)]
            per_round = max(1, batch // per_statement)
            sql = statement(per_statement)
            for i in range(0, len(params), per_round):
                cursor.executemany(sql, params[i:i + per_round])
        if full < len(rows):
            cursor.execute(statement(len(rows) - full), [v for row in rows[full:] for v in row])


def insert_objects(model: type[models.Model], objs: Sequence[models.Model], *, batch: int = BATCH) -> None:
    """INSERT unsaved instances with their fields prepared as `save()` would (`auto_now_add` included).

    Foreign keys are read from their `_id` attribute: set them from saved instances. Instances without a
    primary key stay without one (no RETURNING).
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    rows = [tuple(f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields) for o in objs]
    insert_rows(model, [f.column for f in fields], rows, batch=batch)


def update_objects(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE `fields` of saved instances, one prepared statement run for all (`executemany`).

    `QuerySet.bulk_update` builds a CASE per field over every row, which Django resolves as expressions:
    for thousands of rows it costs seconds of Python. Here each row is one parameter tuple of the same
    `UPDATE … SET a = %s, b = %s WHERE id = %s`, prepared as `save()` would (`auto_now` is not applied:
    set such fields yourself).
    """
    if not objs:
        return
    qn = connection.ops.quote_name
    concrete = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    sql = (f"UPDATE {qn(model._meta.db_table)} SET "  # noqa: S608
           + ", ".join(f"{qn(f.column)} = %s" for f in concrete) + f" WHERE {qn(pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in concrete] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        for i in range(0, len(params), BATCH):
            cursor.executemany(sql, params[i:i + BATCH])
