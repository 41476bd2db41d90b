"""ASVS V5: what agencies write is data, never markup, SQL, code or new fields."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from tests.factories import FBI, STAFF, WARRANT_REQUEST, post_request, register, request_body

SRC = Path(__file__).resolve().parents[2] / "src" / "lawgate"
SCRIPT = "<script>alert('x')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "x' OR '1'='1"
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}
"""Built-ins that run text as code (re.compile and the like are methods, not these)."""
FORBIDDEN_CALLS = {
    "pickle.loads",
    "pickle.load",
    "marshal.loads",
    "yaml.load",
    "os.system",
    "os.popen",
}
"""Module functions that deserialise into objects or hand a string to a shell."""
FORBIDDEN_METHODS = {"from_string", "fromstring", "parseString", "unsafe_load"}
"""Methods that compile a template or parse XML from a string."""


def called_name(node: ast.Call) -> str:
    """'module.function' or 'function' for a call, as written."""
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}" if owner else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def test_markup_an_agency_sends_is_shown_escaped_on_the_console(
    client: TestClient, session: Session, console_client: TestClient
) -> None:
    """ASVS 5.3.1 and 5.3.3: Jinja2 autoescape turns script and attribute breakouts into text."""
    register(session, FBI)
    offence = {**WARRANT_REQUEST["offence"], "description": f"fraud {SCRIPT} {ATTRIBUTE}"}
    officer = {**WARRANT_REQUEST["officer"], "name": f"Dana {ATTRIBUTE}"}
    filed = post_request(client, request_body(offence=offence, officer=officer))
    assert filed.status_code == 201, filed.text
    page = console_client.get(f"/console/requests/{filed.json()['id']}").text
    assert SCRIPT not in page and ATTRIBUTE not in page
    assert str(escape(SCRIPT)) in page
    assert "onerror=alert(1)&gt;" in page


def test_sql_in_identifiers_and_filters_is_only_data(
    client: TestClient, session: Session, api_staff: object
) -> None:
    """ASVS 5.3.4: SQLAlchemy binds every value, so quotes match nothing and break nothing."""
    register(session, FBI)
    assert post_request(client, request_body()).status_code == 201
    answer = client.get(f"/api/v1/staff/requests/{SQL}", headers=STAFF)
    assert answer.status_code == 404
    listed = client.get("/api/v1/staff/requests", params={"country": SQL}, headers=STAFF)
    assert listed.status_code == 422, "ASVS 5.1.3: a filter is checked against its allow list"
    assert len(client.get("/api/v1/staff/requests", headers=STAFF).json()) >= 1


def test_fields_the_schema_does_not_name_are_refused(client: TestClient, session: Session) -> None:
    """ASVS 5.1.2 and 13.2.2: no mass assignment: a body cannot set state, id or verification."""
    register(session, FBI)
    for extra in (
        {"state": "approved"},
        {"id": "LG-AAAAAAAA"},
        {"verification": {"callback": True}},
    ):
        answer = post_request(client, request_body(**extra))
        assert answer.status_code == 422, answer.text
        field = next(iter(extra))
        assert any(field in e["field"] for e in answer.json()["errors"]), answer.text


def test_no_dynamic_code_unsafe_deserialisation_or_shell_in_the_source() -> None:
    """ASVS 5.2.4, 5.2.5, 5.3.8, 5.5.2 and 5.5.3: no eval, pickle, unsafe YAML, XML or shell."""
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = called_name(node)
                bare = isinstance(node.func, ast.Name) and name in FORBIDDEN_NAMES
                method = (
                    isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_METHODS
                )
                if bare or method or name in FORBIDDEN_CALLS:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
                if any(k.arg == "shell" for k in node.keywords):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} shell=")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                if any(
                    n.split(".")[0] in {"pickle", "marshal", "shelve", "xml", "lxml"} for n in names
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} import {names}")
    assert found == []
