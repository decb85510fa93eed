"""Writes go through services (STYLE.md, habit 3): views, API modules, Open311, admin
modules and management commands never call a model write themselves. An AST walk, so a
new violation fails CI with the file and line."""

import ast
from pathlib import Path

QINQING = Path(__file__).resolve().parent.parent
WRITES = {
    "create", "update", "delete", "save", "bulk_create", "bulk_update", "get_or_create",
    "update_or_create",
}  # fmt: skip
# Each exception says why it must be.
ALLOWED: dict[str, str] = {
    # development-only seeding: the organisation tree, demo people and registry base rows
    # have no user-facing service (an administrator makes them in the admin); the
    # business data on top of them is created through the real services
    "demo/management/commands/seed_demo.py": "development seed of base rows",
}


def is_adapter(path: Path) -> bool:
    parts = path.relative_to(QINQING).parts
    if "tests" in parts or "migrations" in parts:
        return False
    name = path.name
    return (
        name in ("views.py", "api.py", "admin.py", "open311.py", "urls.py")
        or name.endswith(("_views.py", "_admin.py", "_api.py"))
        or "views" in parts[:-1]
        or "management" in parts
    )


def builds_without_saving(call: ast.Call) -> bool:
    """`form.save(commit=False)` builds an instance for a service to save: no write."""
    return any(
        k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def model_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(QINQING)}:{node.lineno}: {ast.unparse(node.func)}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
        and not builds_without_saving(node)
    ]


def adapter_files() -> list[Path]:
    return sorted(p for p in QINQING.rglob("*.py") if is_adapter(p))


def test_the_check_sees_the_adapters() -> None:
    names = {str(p.relative_to(QINQING)) for p in adapter_files()}
    assert {"appeals/open311.py", "enterprises/api.py", "core/admin.py"} <= names
    assert "workdays/management/commands/workdays.py" in names


def test_views_api_admin_and_commands_write_only_through_services() -> None:
    found = [
        line
        for path in adapter_files()
        if str(path.relative_to(QINQING)) not in ALLOWED
        for line in model_writes(path)
    ]
    assert not found, "write through a service instead:\n" + "\n".join(found)
