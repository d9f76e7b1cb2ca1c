"""An organization's admin edits its names and its code (e.g. 0409-0968) on the web, through
``organization_update``; a steward may not; bad input shows the problems and writes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalog.actions.organizations import organization_show
from tests.conftest import OpenContext
from tests.services.web.conftest import SignIn, csrf_of, form_values


def test_an_admin_sets_the_organization_code_and_sees_the_message(sign_in: SignIn, open_ctx: OpenContext) -> None:
    admin = sign_in("admin@bangkok.go.th", role="admin")
    page = admin.get("/organization/bma-hrd")
    assert 'href="/organization/bma-hrd/edit"' in page.text and "0409-0968" in page.text
    form = admin.get("/organization/bma-hrd/edit")
    assert form.status_code == 200 and 'value="0409-0968"' in form.text
    values = form_values(form.text, "organization-form")
    bad = admin.post("/organization/bma-hrd/edit", data={**values, "code": "04 09"})
    assert bad.status_code == 422 and "รหัสหน่วยงาน" in bad.text
    done = admin.post("/organization/bma-hrd/edit", data={**values, "code": "0409-0999"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/organization/bma-hrd"
    assert "บันทึกข้อมูลหน่วยงานแล้ว" in admin.get(done.headers["location"]).text
    with open_ctx() as ctx:
        org = organization_show(ctx, "bma-hrd")
    assert (org.code, org.title) == ("0409-0999", "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร")
    stale = admin.post("/organization/bma-hrd/edit", data={**values, "code": "0409-0968"})  # the version it read
    assert stale.status_code in (409, 422)  # someone saved since: their change is kept
    with open_ctx() as ctx:
        assert organization_show(ctx, "bma-hrd").code == "0409-0999"


def test_a_steward_cannot_edit_the_organization(sign_in: SignIn, site: TestClient) -> None:
    steward = sign_in("steward@bangkok.go.th")
    assert 'href="/organization/bma-hrd/edit"' not in steward.get("/organization/bma-hrd").text
    assert steward.get("/organization/bma-hrd/edit").status_code == 403
    token = csrf_of(steward.get("/workspace/").text)
    assert steward.post("/organization/bma-hrd/edit", data={"csrf_token": token, "code": "1"}).status_code == 403
