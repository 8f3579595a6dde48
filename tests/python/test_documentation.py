"""Every model, column, seed, source and macro of the project is documented.

Reads the manifest the harness's build wrote and the tables it built: a column that exists
in the warehouse but not in the YAML (or the other way round) fails, as does any empty
description or a model description that does not open with its grain.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from nps_warehouse.contract import MART_COLUMNS, MART_LOAD_COLUMNS

PACKAGE = "nps_warehouse"


@pytest.fixture(scope="module")
def manifest(messy_build) -> dict:
    return json.loads((messy_build.root / "target" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built_columns(messy_build) -> dict[str, list[str]]:
    connection = duckdb.connect(str(messy_build.database), read_only=True)
    try:
        rows = connection.sql(
            "select table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audit', 'seeds') "
            "order by table_name, ordinal_position"
        ).fetchall()
    finally:
        connection.close()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def _project_nodes(manifest: dict, resource_type: str) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == resource_type and node["package_name"] == PACKAGE
    ]


@pytest.mark.parametrize("resource_type", ["model", "seed"])
def test_every_node_and_column_is_described(manifest, built_columns, resource_type):
    nodes = _project_nodes(manifest, resource_type)
    assert nodes
    problems = []
    for node in nodes:
        if not node["description"].strip():
            problems.append(f"{node['name']}: no description")
        documented = list(node["columns"])
        built = built_columns.get(node["name"])
        if built is None and node["config"]["materialized"] != "ephemeral":
            problems.append(f"{node['name']}: not found in the warehouse")
        elif built is not None and set(documented) != set(built):
            problems.append(
                f"{node['name']}: undocumented {sorted(set(built) - set(documented))}, "
                f"documented but absent {sorted(set(documented) - set(built))}"
            )
        problems += [
            f"{node['name']}.{name}: no description"
            for name, column in node["columns"].items()
            if not column["description"].strip()
        ]
    assert not problems, "\n".join(problems)


def test_every_model_description_opens_with_its_grain(manifest):
    problems = [
        node["name"]
        for node in _project_nodes(manifest, "model")
        if not node["description"].lstrip().startswith("One row per")
    ]
    assert not problems, f"descriptions not starting with 'One row per <grain>': {problems}"


def test_every_model_has_a_primary_key_test(manifest):
    tested: set[str] = set()
    for node in _project_nodes(manifest, "test"):
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") in ("unique", "nps_unique_combination"):
            tested.update(dependency.split(".")[-1] for dependency in node["depends_on"]["nodes"])
    missing = [node["name"] for node in _project_nodes(manifest, "model") if node["name"] not in tested]
    assert not missing, f"models without a primary-key test: {missing}"


def test_public_marts_enforce_contracts(manifest):
    missing = [
        node["name"]
        for node in _project_nodes(manifest, "model")
        if node["schema"] in ("marts", "audit") and not node["config"]["contract"]["enforced"]
    ]
    assert not missing, f"marts without an enforced contract: {missing}"


def test_every_macro_and_source_is_described(manifest):
    undocumented = [
        macro["name"]
        for macro in manifest["macros"].values()
        if macro["package_name"] == PACKAGE and not macro["description"].strip()
    ]
    for source in manifest["sources"].values():
        if not source["description"].strip():
            undocumented.append(source["name"])
        undocumented += [
            f"{source['name']}.{name}"
            for name, column in source["columns"].items()
            if not column["description"]
        ]
    assert not undocumented, f"undocumented: {undocumented}"


def test_marts_publish_exactly_the_contract_columns_in_order(built_columns):
    expected = {mart: columns + MART_LOAD_COLUMNS.get(mart, ()) for mart, columns in MART_COLUMNS.items()}
    assert {mart: tuple(built_columns.get(mart, ())) for mart in MART_COLUMNS} == expected
