"""Every action checks permission: none can be added that forgets it (see ``catalog.permissions``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import catalog.actions
from catalog import permissions
from catalog.context import ANONYMOUS, Actor
from catalog.errors import Hidden, PermissionDenied
from catalog.permissions import RULES, AuthNotChecked, action
from tests.conftest import OpenContext

# the read entry points outside catalog.actions (search, scores, reports, narratives) are actions too
OTHER_ENTRY_POINTS = ("catalog.search", "catalog.scoring", "catalog.reporting", "catalog.narratives")


def action_modules() -> Iterator[ModuleType]:
    for info in pkgutil.iter_modules(catalog.actions.__path__, "catalog.actions."):
        yield importlib.import_module(info.name)
    for name in OTHER_ENTRY_POINTS:
        yield importlib.import_module(name)


def functions_taking_a_context() -> list[tuple[str, Any]]:
    """Every public function defined in those modules whose first parameter is the action context."""
    found = []
    for module in action_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if inspect.unwrap(function).__module__ != module.__name__:
                continue  # imported from elsewhere: judged where it is defined
            parameters = list(inspect.signature(function).parameters)
            if parameters and parameters[0] == "ctx":
                found.append((f"{module.__name__}.{name}", function))
    return found


FUNCTIONS = functions_taking_a_context()


def test_the_enumeration_finds_the_actions() -> None:
    names = {name for name, _ in FUNCTIONS}
    assert {"catalog.actions.datasets.dataset_update", "catalog.actions.access.dataset_show",
            "catalog.actions.stages.stage_status", "catalog.search.search_datasets"} <= names
    assert len(FUNCTIONS) > 60


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[name for name, _ in FUNCTIONS])
def test_every_function_is_an_action_with_a_rule_or_a_helper(name: str, function: Any) -> None:
    """An undeclared function fails here: declare it ``@action("rule")`` (and check) or ``@helper``."""
    assert hasattr(function, "permission_rule"), (
        f"{name} takes a Context but is neither @action(rule) nor @helper (see catalog.permissions)")
    rule = function.permission_rule
    assert rule is None or rule in RULES, f"{name}: unknown rule {rule}"


def test_an_action_that_does_not_check_fails_closed(open_ctx: OpenContext) -> None:
    @action("dataset_read")
    def forgets(ctx: Any) -> str:
        return "secret"

    @action("dataset_read")
    def checks(ctx: Any) -> str:
        permissions.check(ctx, "dataset_read")
        return "fine"

    @action("dataset_read")
    def delegates_only(ctx: Any) -> str:
        return checks(ctx)  # an inner action's check does not count for the outer one

    with open_ctx(ANONYMOUS) as ctx:
        with pytest.raises(AuthNotChecked):
            forgets(ctx)
        assert checks(ctx) == "fine"
        with pytest.raises(AuthNotChecked):
            delegates_only(ctx)
    for name in ("forgets", "checks", "delegates_only"):  # the throwaway actions leave the registry
        permissions.REGISTRY.pop(f"{__name__}.test_an_action_that_does_not_check_fails_closed.<locals>.{name}")


def test_an_unknown_rule_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown permission rule"):
        action("dataset_frobnicate")


def test_hidden_is_not_found_and_write_refusals_are_permission_denied(open_ctx: OpenContext, demo: Any) -> None:
    """An outsider writing to a non-public dataset learns nothing (Hidden); to a public one, 403."""
    from catalog.actions.datasets import dataset_update

    outsider = Actor(name="outsider", account_id="x", roles={"elsewhere": frozenset({"admin"})})
    with open_ctx(outsider) as ctx, pytest.raises(Hidden):
        dataset_update(ctx, "trainee-registry", {"notes": "x"})
    with open_ctx(outsider) as ctx, pytest.raises(PermissionDenied):
        dataset_update(ctx, "training-course-catalog", {"notes": "x"})


def test_every_rule_is_used_somewhere() -> None:
    """A rule no action declares and no code checks is a dead rule: it reads as a permission that exists."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = "\n".join(path.read_text(encoding="utf-8") for package in ("catalog", "services")
                        for path in (root / package).rglob("*.py") if path.name != "permissions.py")
    declared = {rule for rule in permissions.REGISTRY.values() if rule}
    unused = sorted(rule for rule in RULES if rule not in declared and f'"{rule}"' not in sources)
    assert not unused, f"rules declared in catalog.permissions that nothing uses: {unused}"
