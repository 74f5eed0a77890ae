"""The permission table of `pvd/dossiers/perms.py` is the only place that decides who may do what.

- Every permission of `PERMISSIONS` is asked somewhere in the product: a row nobody asks is a
  rule that protects nothing (or a check written another way).
- No role or State scope is written as a string outside the places that define them: a check
  `role == "chef_de_projet"` or `state_scope == "anct"` bypasses the table. Where code must name
  a role, it uses the enum member (`Role.CHEF_DE_PROJET`, `StateScope.ANCT`), which the table's
  rows can be searched for; the permission itself is asked with `access.can("…")`.

How the files are read:
- Python: every string constant of the syntax tree (comments and docstrings never equal a role
  or a permission name), in `pvd/` and `config/`, tests, migrations and demo data left out.
  A string that defines an enum member (`ELU = "elu", "Élu"` in a `TextChoices` class) is the
  definition itself and is allowed; so are the few literals of `ALLOWED_LITERALS`, each with why.
- Templates: the role strings inside `{% … %}` and `{{ … }}`, and the `perms.x_y` they read.
"""

import ast
import re
import sys
from pathlib import Path

from pvd.dossiers.perms import PERMISSIONS

ROOT = Path(__file__).resolve().parents[1]
PERMS_FILE = ROOT / "pvd" / "dossiers" / "perms.py"

ROLE_STRINGS = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}

# (file, literal) → why that literal is not a role check.
ALLOWED_LITERALS = {
    ("pvd/conventions/selectors.py", "chef_de_projet"): (
        "the key of the convention's text that names the chef de projet; the DOCX templates print {{ chef_de_projet }}"
    ),
    ("pvd/gouvernance/selectors.py", "chef_de_projet"): (
        "a role of a member of the comité de projet (gouvernance.models.RoleInstance), not an access role; "
        "the file is being rewritten by the gouvernance registry clean-up (issue 11, point 1)"
    ),
    ("pvd/gouvernance/selectors.py", "elu"): "idem: RoleInstance.ELU of a comité member",
}


def _product_python_files():
    for base in ("pvd", "config"):
        for path in sorted((ROOT / base).rglob("*.py")):
            rel = path.relative_to(ROOT)
            parts = rel.parts
            if "tests" in parts or "migrations" in parts:
                continue
            if path.name == "demo.py" or path.name == "seed_demo.py":
                continue  # demo data names the demo accounts' roles
            yield path, rel.as_posix()


def _template_files():
    for path in sorted(ROOT.glob("pvd/**/templates/**/*.html")) + sorted(ROOT.glob("templates/**/*.html")):
        yield path, path.relative_to(ROOT).as_posix()


def _is_choices_class(node: ast.ClassDef) -> bool:
    names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    return any(name.endswith("Choices") for name in names)


def _enum_definitions(tree) -> set[int]:
    """ids of the string constants that define an enum member (`ELU = "elu", "Élu"`)."""
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _is_choices_class(node):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    value = statement.value
                    first = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
                    if isinstance(first, ast.Constant):
                        allowed.add(id(first))
    return allowed


def _string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    definitions = _enum_definitions(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node, node.lineno, id(node) in definitions


TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")
TEMPLATE_PERMS = re.compile(r"\bperms\.(\w+)")


def raw_role_literals() -> list[str]:
    """ "file:line: 'role'" for every role string written outside the places allowed to."""
    found = []
    for path, rel in _product_python_files():
        if path == PERMS_FILE:
            continue
        for node, line, is_definition in _string_constants(path):
            if node.value in ROLE_STRINGS and not is_definition and (rel, node.value) not in ALLOWED_LITERALS:
                found.append(f"{rel}:{line}: {node.value!r}")
    for path, rel in _template_files():
        text = path.read_text(encoding="utf-8")
        for code in TEMPLATE_CODE.finditer(text):
            for literal in QUOTED.findall(code.group()):
                if literal in ROLE_STRINGS:
                    line = text.count("\n", 0, code.start()) + 1
                    found.append(f"{rel}:{line}: {literal!r}")
    return found


def used_permissions() -> set[str]:
    """The permissions the product asks: a string constant equal to a permission's name in its
    Python code, or `perms.<name with _>` in its templates (`access.perms`, `national_perms`)."""
    by_template_name = {name.replace(".", "_"): name for name in PERMISSIONS}
    used = set()
    for path, _rel in _product_python_files():
        if path == PERMS_FILE:
            continue
        used |= {node.value for node, _line, _def in _string_constants(path) if node.value in PERMISSIONS}
    for path, _rel in _template_files():
        for code in TEMPLATE_CODE.finditer(path.read_text(encoding="utf-8")):
            used |= {by_template_name[n] for n in TEMPLATE_PERMS.findall(code.group()) if n in by_template_name}
    return used


def test_every_permission_is_asked_somewhere():
    unused = sorted(set(PERMISSIONS) - used_permissions())
    assert not unused, f"Permissions de PERMISSIONS que rien ne demande : {unused}"


def test_no_role_string_outside_the_permission_table():
    found = raw_role_literals()
    assert not found, "Rôles écrits en dur (passer par PERMISSIONS / access.can, ou l'enum) :\n" + "\n".join(found)


def test_the_allowed_literals_are_still_needed():
    """An exception that no longer matches anything is removed, so that the list stays short."""
    present = set()
    for path, rel in _product_python_files():
        present |= {(rel, node.value) for node, _line, _def in _string_constants(path) if node.value in ROLE_STRINGS}
    stale = [key for key in ALLOWED_LITERALS if key not in present]
    assert not stale, f"Exceptions devenues inutiles : {stale}"


def test_the_scans_catch_what_they_look_for(tmp_path, monkeypatch):
    """The scans are not blind: a role check and an unused permission written on purpose are caught."""
    module = tmp_path / "pvd" / "x" / "views.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from django.db import models\n\n\n"
        "class R(models.TextChoices):\n"
        '    ELU = "elu", "Élu"\n\n\n'
        "def f(access):\n"
        '    """Only the chef_de_projet."""\n'
        '    return access.role == "chef_de_projet" and access.can("plan.edit")\n',
        encoding="utf-8",
    )
    template = tmp_path / "pvd" / "x" / "templates" / "x" / "page.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% if user.state_scope == "anct" %}x{% endif %} anct {{ perms.dossier_view }}', encoding="utf-8"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert raw_role_literals() == ["pvd/x/views.py:10: 'chef_de_projet'", "pvd/x/templates/x/page.html:1: 'anct'"]
    assert used_permissions() == {"plan.edit", "dossier.view"}
