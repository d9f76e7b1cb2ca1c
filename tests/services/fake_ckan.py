"""An in-memory stand-in for the CKAN Action API behind ``PortalClient``, for tests without a portal.

It answers the actions the publisher uses the way CKAN 2.11 does (tags as dicts, the organization
embedded, extras as key/value, uploads with url_type "upload") and can be told to fail: ``fail``
maps an action to an exception to raise (once, or every time with ``sticky``).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import requests
from ckanapi import NotFound, ValidationError

from services.ckan.client import PortalClient


class FakeCKAN:
    def __init__(self) -> None:
        self.packages: dict[str, dict[str, Any]] = {}
        self.organizations: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}  # resource id → bytes
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail: dict[str, Exception] = {}
        self.sticky = False
        self.last_status: int | None = None

    # ckanapi's RemoteCKAN.call_action signature
    def call_action(self, action: str, data: dict[str, Any], files: Any = None, requests_kwargs: Any = None) -> Any:
        self.sent.append((action, copy.deepcopy(data)))
        if action in self.fail:
            error = self.fail[action] if self.sticky else self.fail.pop(action)
            self.last_status = getattr(error, "status", None)
            raise error
        self.last_status = 200
        return getattr(self, action)(dict(data), files)

    def package_show(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        return copy.deepcopy(self._package(data["id"]))

    def package_create(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        if any(p["name"] == data["name"] and p["state"] == "active" for p in self.packages.values()):
            raise ValidationError({"name": ["That URL is already in use."], "__type": "Validation Error"})
        org = self._organization(data.pop("owner_org"))
        package = {"id": str(uuid.uuid4()), "state": "active", "owner_org": org["id"], "organization": org,
                   "extras": [], "resources": []}
        resources = data.pop("resources", [])
        package.update(self._stored(data))
        self.packages[package["id"]] = package
        for resource in resources:
            self._add_resource(package, resource, None)
        return copy.deepcopy(package)

    def package_patch(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        package = self._package(data.pop("id"))
        if "owner_org" in data:
            org = self._organization(data.pop("owner_org"))
            package.update(owner_org=org["id"], organization=org)
        package.update(self._stored(data))
        return copy.deepcopy(package)

    def package_delete(self, data: dict[str, Any], files: Any) -> None:
        self._package(data["id"])["state"] = "deleted"

    def package_resource_reorder(self, data: dict[str, Any], files: Any) -> None:
        package = self._package(data["id"])
        by_id = {r["id"]: r for r in package["resources"]}
        ordered = [by_id.pop(rid) for rid in data["order"]]
        package["resources"] = ordered + list(by_id.values())

    def resource_create(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        package = self._package(data.pop("package_id"))
        return copy.deepcopy(self._add_resource(package, data, files))

    def resource_patch(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        resource = self._resource(data.pop("id"))
        resource.update(data)
        if files:
            self._upload(resource, files)
        return copy.deepcopy(resource)

    def resource_delete(self, data: dict[str, Any], files: Any) -> None:
        for package in self.packages.values():
            package["resources"] = [r for r in package["resources"] if r["id"] != data["id"]]

    def organization_show(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        return copy.deepcopy(self._organization(data["id"]))

    def organization_create(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        org = {"id": str(uuid.uuid4()), **data}
        self.organizations[org["name"]] = org
        return copy.deepcopy(org)

    def organization_patch(self, data: dict[str, Any], files: Any) -> dict[str, Any]:
        org = next(o for o in self.organizations.values() if o["id"] == data["id"])
        org.update(data)
        return copy.deepcopy(org)

    # -- helpers ------------------------------------------------------------------------------------------

    def by_name(self, name: str) -> dict[str, Any]:
        return next(p for p in self.packages.values() if p["name"] == name)

    def writes(self) -> list[str]:
        return [action for action, _ in self.sent if not action.endswith(("_show", "_list", "_search"))]

    def _stored(self, data: dict[str, Any]) -> dict[str, Any]:
        # CKAN keeps tags as dicts and drops empty optional fields from its answer
        return {k: v for k, v in data.items() if v not in ("", None)}

    def _package(self, key: str) -> dict[str, Any]:
        for package in self.packages.values():
            if key in (package["id"], package["name"]):
                return package
        raise NotFound("Not found")

    def _organization(self, key: str) -> dict[str, Any]:
        for org in self.organizations.values():
            if key in (org["id"], org["name"]):
                return org
        raise NotFound("Organization not found")

    def _resource(self, resource_id: str) -> dict[str, Any]:
        for package in self.packages.values():
            for resource in package["resources"]:
                if resource["id"] == resource_id:
                    return resource
        raise NotFound("Resource not found")

    def _add_resource(self, package: dict[str, Any], data: dict[str, Any], files: Any) -> dict[str, Any]:
        resource = {"id": str(uuid.uuid4()), "url_type": None, **self._stored(data)}
        if files:
            self._upload(resource, files)
        package["resources"].append(resource)
        return resource

    def _upload(self, resource: dict[str, Any], files: Any) -> None:
        name, handle = files["upload"]
        self.uploads[resource["id"]] = handle.read()
        resource.update(url_type="upload", url=f"http://fake/download/{name}")


class FakeClient(PortalClient):
    def __init__(self, fake: FakeCKAN, url: str = "http://portal.test", **kwargs: Any):
        super().__init__(url, "token", **kwargs)
        self._ckan = fake  # type: ignore[assignment]


def http_error(status: int) -> Exception:
    """An answer ckanapi cannot parse (an HTML error page), with its status."""
    from ckanapi import CKANAPIError

    error = CKANAPIError(f"['http://portal.test', {status}, '<html>error</html>']")
    error.status = status
    return error


def connection_refused() -> Exception:
    return requests.ConnectionError("[Errno 111] Connection refused")
