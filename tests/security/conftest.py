"""The attacker's view: the demo catalog (organization A, ``bma-hrd``) with a second agency beside it
(organization B, ``bma-other``), the whole site (API and pages) to call, and accounts of either side.

Each test in this folder is one attack from the authorization issue (or one found since): it states what
the attacker tries and asserts the answer they now get.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from catalog.actions.organizations import organization_create
from catalog.settings import Settings
from services.web.site import create_site
from tests.conftest import OpenContext
from tests.services.api.conftest import PASSWORD, TokenFor, evaluator_for, token_for

__all__ = ["ORG_A", "ORG_B", "PASSWORD", "TokenFor", "evaluator_for", "token_for"]

ORG_A = "bma-hrd"  # the demo agency: the victim
ORG_B = "bma-other"  # a second agency beside it: the attacker's own
NON_PUBLIC_A = "trainee-registry"  # a personal-data dataset of A (not public)


@pytest.fixture
def two_orgs(demo: Settings, open_ctx: OpenContext) -> Settings:
    """The demo with organization B added under the same administration."""
    with open_ctx() as ctx:
        organization_create(ctx, {"name": ORG_B, "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    return demo


@pytest.fixture
def client(two_orgs: Settings) -> TestClient:
    """The whole site, as ``banchi serve`` runs it (API and pages), without cookies of its own."""
    return TestClient(create_site())
