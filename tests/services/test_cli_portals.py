"""``banchi portal add|list|remove`` and ``banchi publish|harvest --portal``."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from catalog.models.portal import Portal
from tests.conftest import OpenContext
from tests.services.test_cli import banchi, demo  # noqa: F401 (demo: the demo catalog fixture)

KEY = "cli-token-kept-secret"


@pytest.mark.usefixtures("demo")
def test_add_list_remove_never_shows_the_key(open_ctx: OpenContext) -> None:
    code, out, err = banchi("portal", "add", "ci", "--url", "http://127.0.0.1:9/", "--api-key", KEY,
                            "--allow-private-network", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["url"] == "http://127.0.0.1:9" and KEY not in out
    with open_ctx() as ctx:  # encrypted at rest
        assert KEY not in (ctx.session.exec(select(Portal.api_key_encrypted)).one() or KEY)
    code, out, _ = banchi("portal", "list", "--format", "json")
    [listed] = json.loads(out)
    assert (listed["name"], listed["has_api_key"], listed["allow_private_network"]) == ("ci", True, True)
    assert KEY not in banchi("portal", "list")[1]
    code, out, _ = banchi("portal", "add", "ci", "--url", "http://127.0.0.1:9", "--format", "json")
    assert code == 1 and {e["code"] for e in json.loads(out)["errors"]} == {"portal_name_taken", "portal_url_taken"}
    assert KEY not in json.dumps(json.loads(banchi("audit", "--format", "json", "--limit", "5")[1]))
    assert banchi("portal", "remove", "ci")[0] == 0
    assert json.loads(banchi("portal", "list", "--format", "json")[1]) == []
    assert banchi("portal", "remove", "ci")[0] == 1


@pytest.mark.usefixtures("demo")
def test_publish_names_a_registered_portal_or_an_address() -> None:
    code, out, _ = banchi("publish", "--dry-run", "--format", "json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "portal_or_url"
    code, out, _ = banchi("publish", "--portal", "nowhere", "--dry-run", "--format", "json")
    assert code == 1 and json.loads(out)["errors"][0]["code"] == "not_found"
    # registered on loopback without --allow-private-network: the run is refused before any connection
    assert banchi("portal", "add", "local", "--url", "http://127.0.0.1:9", "--api-key", KEY)[0] == 0
    code, out, _ = banchi("publish", "--portal", "local", "--dataset", "city-development-indicators",
                          "--dry-run", "--format", "json")
    assert code == 1 and json.loads(out)["stopped"][0]["code"] == "outbound_private"
