"""The warehouse's objects, one file each (sql/tables, sql/macros, sql/models: docs/architecture.md,
"Where a change goes"), created in the order their inputs demand. A model's inputs are read from its
SQL with sqlglot (a macro it calls stands for what the macro reads); that costs about 0.7 s, so they
are cached by the files' content hash (MODEL_CACHE) and read again only when a file changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

from indicator_pipeline.errors import PipelineError
from indicator_pipeline.warehouse.dictionary import apply_comments, description
from indicator_pipeline.warehouse.formulas import FORMULA_MODEL, apply_formula_view
from indicator_pipeline.warehouse.sql import SQL_DIR, create_view, object_files

SYSTEM_SCHEMAS = {"information_schema", "pg_catalog"}
MODEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "indicator-pipeline" / "model-inputs-2.json"  # -N: how references are read


class ModelError(PipelineError):
    pass


@dataclass(frozen=True)
class Model:
    key: str  # schema.name
    path: Path
    inputs: frozenset[str]  # the tables and views it reads, schema.name
    is_macro: bool = False

    @property
    def description(self) -> str:
        return description(self.path.read_text(encoding="utf-8"))

    @property
    def file(self) -> str:
        return self.path.relative_to(SQL_DIR.parent).as_posix()


def models() -> dict[str, Model]:
    """Every view model, in dependency order (a model after everything it reads)."""
    return {key: model for key, model in _graph(_fingerprint()).items() if not model.is_macro}


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every schema, table, macro and view (idempotent), upgrade tables an earlier version
    created, and comment them all (a replaced view loses its comments)."""
    files = {folder: object_files(folder) for folder in ("tables", "macros", "models")}
    for schema in sorted({key.split(".")[0] for found in files.values() for key in found}):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for path in files["tables"].values():
        con.execute(path.read_text(encoding="utf-8"))
    _create(con, list(_graph(_fingerprint())))
    apply_comments(con)  # all of them: an object no file defines (a BI team's own) gets its shared meanings too


def create_views(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """(Re)create the views and macros `keys` (see _create), then comment them and their columns again."""
    _create(con, keys)
    apply_comments(con, keys)


def _create(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """(Re)create the views and macros `keys` in dependency order (the formula view rendered from the
    catalogue the warehouse holds)."""
    for model in _graph(_fingerprint()).values():
        if model.key not in keys:
            continue
        if model.is_macro:
            con.execute(model.path.read_text(encoding="utf-8"))
        elif model.key == FORMULA_MODEL:
            apply_formula_view(con)
        else:
            create_view(con, model.key, model.path.read_text(encoding="utf-8"))


def _fingerprint() -> tuple[tuple[str, str], ...]:
    """(folder/key, sha256) of every macro and model file: what the graph is read from."""
    return tuple(
        (f"{folder}/{key}", hashlib.sha256(path.read_bytes()).hexdigest())
        for folder in ("macros", "models")
        for key, path in object_files(folder).items()
    )


@cache
def _graph(fingerprint: tuple[tuple[str, str], ...]) -> dict[str, Model]:
    """Every macro and model, in dependency order."""
    macro_files, model_files = object_files("macros"), object_files("models")
    files = {**macro_files, **model_files}
    paths = {f"{'macros' if key in macro_files else 'models'}/{key}": path for key, path in files.items()}
    reads = {path.split("/", 1)[1]: refs for path, refs in _references(fingerprint, paths).items()}
    known = set(object_files("tables")) | set(model_files)

    def resolve(key: str, seen: tuple[str, ...] = ()) -> set[str]:
        """What `key`'s SQL reads, a macro's reads in place of the macro."""
        inputs = set()
        for ref in reads[key]:
            if ref in macro_files and ref not in seen:
                inputs |= resolve(ref, (*seen, key))
            elif ref in known:
                inputs.add(ref)
            elif ref.split(".")[0] not in SYSTEM_SCHEMAS:
                raise ModelError(
                    f"{files[key].relative_to(SQL_DIR.parent)} reads {ref}, which no file in sql/tables, "
                    "sql/models or sql/macros defines"
                )
        return inputs

    inputs = {key: resolve(key) for key in files}
    try:
        order = list(TopologicalSorter({key: reads[key] & set(files) for key in files}).static_order())
    except CycleError as exc:
        raise ModelError(
            "the models read each other in a cycle: "
            + " -> ".join(f"{key} ({files[key].relative_to(SQL_DIR.parent)})" for key in exc.args[1])
        ) from exc
    return {key: Model(key, files[key], frozenset(inputs[key]), key in macro_files) for key in order}


def _references(fingerprint: tuple[tuple[str, str], ...], paths: dict[str, Path]) -> dict[str, set[str]]:
    """folder/key -> the schema-qualified names its SQL reads, from the cache when its hash is there."""
    try:
        cached = json.loads(MODEL_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    refs = {key: set(cached[digest]) for key, digest in fingerprint if digest in cached}
    missing = [(key, digest) for key, digest in fingerprint if key not in refs]
    if missing:
        for key, digest in missing:
            refs[key] = _read_references(paths[key])
            cached[digest] = sorted(refs[key])
        try:
            MODEL_CACHE.parent.mkdir(parents=True, exist_ok=True)
            written = MODEL_CACHE.with_suffix(f".{os.getpid()}")
            written.write_text(json.dumps(cached, indent=0), encoding="utf-8")
            os.replace(written, MODEL_CACHE)  # whole, also when another process writes it too
        except OSError:
            pass  # a read-only home: read again next time
    return refs


def _read_references(path: Path) -> set[str]:
    import sqlglot  # only when a file changed (see the module's docstring)
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(path.read_text(encoding="utf-8"), read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{path.relative_to(SQL_DIR.parent)}: not SQL sqlglot reads: {exc}") from exc
    if isinstance(tree, exp.Create):  # a macro: what its body reads
        tree = tree.expression
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    refs = set()
    for table in tree.find_all(exp.Table):
        name = table.this.name if isinstance(table.this, exp.Func) else table.name  # a table macro: core.x(...)
        if table.db:
            refs.add(f"{table.db}.{name}")
        elif name not in ctes and not isinstance(table.this, exp.Func):
            raise ModelError(f"{path.relative_to(SQL_DIR.parent)} reads {name} without its schema (write schema.{name})")
    for call in tree.find_all(exp.Dot):  # a scalar macro: marts.round_display(...)
        if isinstance(call.expression, exp.Func) and isinstance(call.this, (exp.Identifier, exp.Column, exp.Var)):
            refs.add(f"{call.this.name}.{call.expression.name}")
    return refs
