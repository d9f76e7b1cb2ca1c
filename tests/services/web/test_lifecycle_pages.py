"""The dataset lifecycle on the web: a steward's draft, publishing it, withdrawing, deleting with a
confirmation, restoring, the private flag; each change answered with a message after the redirect, and
the attacks: another organization, a working-group member, a cross-site post, the public."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalog.actions.datasets import dataset_create
from catalog.actions.lookup import get_dataset
from catalog.actions.organizations import organization_create
from catalog.audit import audit_log
from tests.conftest import OpenContext
from tests.factories import dataset_input
from tests.services.web.conftest import SignIn, csrf_of

DRAFT = "city-draft"


def _draft(open_ctx: OpenContext) -> None:
    with open_ctx() as ctx:
        dataset_create(ctx, dataset_input(DRAFT, title="ชุดข้อมูลฉบับร่างทดสอบ"))


def _state(open_ctx: OpenContext) -> str:
    with open_ctx() as ctx:
        return get_dataset(ctx, DRAFT).state


def test_a_steward_publishes_withdraws_deletes_and_restores_with_a_message_each_time(
        sign_in: SignIn, open_ctx: OpenContext, site: TestClient) -> None:
    _draft(open_ctx)
    assert TestClient(site.app).get(f"/dataset/{DRAFT}").status_code == 404  # the public: no such dataset
    steward = sign_in("steward@bangkok.go.th")
    page = steward.get(f"/dataset/{DRAFT}")
    assert page.status_code == 200 and 'data-state="draft"' in page.text and "เผยแพร่ชุดข้อมูล" in page.text
    token = csrf_of(page.text)
    done = steward.post(f"/dataset/{DRAFT}/publish", data={"csrf_token": token, "version": "1"},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/dataset/{DRAFT}"
    shown = steward.get(f"/dataset/{DRAFT}")
    assert 'class="flash"' in shown.text and "เผยแพร่ชุดข้อมูลแล้ว" in shown.text
    assert 'class="flash"' not in steward.get(f"/dataset/{DRAFT}").text  # shown once
    assert _state(open_ctx) == "active" and TestClient(site.app).get(f"/dataset/{DRAFT}").status_code == 200

    stale = steward.post(f"/dataset/{DRAFT}/withdraw", data={"csrf_token": token, "version": "1"})
    assert stale.status_code == 422 and "alert" in stale.text and _state(open_ctx) == "active"  # the action's error
    steward.post(f"/dataset/{DRAFT}/withdraw", data={"csrf_token": token, "version": "2", "reason": "เลิกเก็บ"})
    assert _state(open_ctx) == "withdrawn"
    confirm = steward.get(f"/dataset/{DRAFT}/delete")
    assert confirm.status_code == 200 and "confirm-delete" in confirm.text
    deleted = steward.post(f"/dataset/{DRAFT}/delete", data={"csrf_token": token, "version": "3", "reason": "ซ้ำ"},
                           follow_redirects=False)
    assert deleted.headers["location"] == "/workspace/" and _state(open_ctx) == "deleted"
    assert "ลบชุดข้อมูลแล้ว" in steward.get("/workspace/").text
    steward.post(f"/dataset/{DRAFT}/restore", data={"csrf_token": token, "version": "4"})
    assert _state(open_ctx) == "draft"
    steward.post(f"/dataset/{DRAFT}/private", data={"csrf_token": token, "version": "5", "private": "true"})
    with open_ctx() as ctx:
        assert get_dataset(ctx, DRAFT).private is True
        actions = [entry.action for entry in audit_log(ctx, entity_id=get_dataset(ctx, DRAFT).id)]
    assert actions[:5] == ["dataset_update", "dataset_restore", "dataset_delete", "dataset_withdraw",
                           "dataset_publish"]


def test_outsiders_get_not_found_and_a_working_group_member_may_not_publish(
        sign_in: SignIn, open_ctx: OpenContext, site: TestClient) -> None:
    """Attack: the admin of another organization and a working-group member of this one try each lifecycle
    form on the draft; the outsider learns nothing (404, as for a dataset that does not exist)."""
    _draft(open_ctx)
    with open_ctx() as ctx:
        organization_create(ctx, {"name": "bma-other", "title": "สำนักงานเขตทดสอบ", "parent": "bma"})
    outsider = sign_in("admin.other@bangkok.go.th", role="admin", org="bma-other")
    token = csrf_of(outsider.get("/workspace/").text)
    for path in ("publish", "withdraw", "restore", "delete", "private"):
        answer = outsider.post(f"/dataset/{DRAFT}/{path}", data={"csrf_token": token, "version": "1"},
                               follow_redirects=False)
        assert answer.status_code == 404, path
    assert outsider.get(f"/dataset/{DRAFT}/delete").status_code == 404
    outsider.post("/user/logout", data={"csrf_token": token})
    site.cookies.clear()
    member = sign_in("member@bangkok.go.th", role="wg_member")
    page = member.get(f"/dataset/{DRAFT}")
    assert page.status_code == 200 and "publish-dataset" not in page.text  # not offered
    refused = member.post(f"/dataset/{DRAFT}/publish", data={"csrf_token": csrf_of(page.text), "version": "1"},
                          follow_redirects=False)
    assert refused.status_code == 403 and _state(open_ctx) == "draft"


def test_a_cross_site_post_publishes_nothing(sign_in: SignIn, open_ctx: OpenContext) -> None:
    """Attack: a page elsewhere makes the signed-in steward's browser post the publish form without the
    form token: refused, and the draft stays a draft."""
    _draft(open_ctx)
    steward = sign_in("steward@bangkok.go.th")
    answer = steward.post(f"/dataset/{DRAFT}/publish", data={"version": "1"},
                          headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert answer.status_code == 403 and _state(open_ctx) == "draft"


def test_a_flash_cookie_cannot_put_words_on_a_page(site: TestClient) -> None:
    """Attack: a cookie set by someone else carries text: only the key of a known message is ever shown."""
    site.cookies.set("banchi_flash", "<script>alert(1)</script>")
    page = site.get("/")
    assert "alert(1)" not in page.text and 'class="flash"' not in page.text
    site.cookies.set("banchi_flash", "dataset_published")
    assert "เผยแพร่ชุดข้อมูลแล้ว" in site.get("/").text


def test_a_draft_saved_incomplete_is_published_only_once_complete(sign_in: SignIn, open_ctx: OpenContext) -> None:
    """The form saves a draft with its type, names and organization only; publishing it names every missing
    field in the page's language; once filled in, it publishes."""
    steward = sign_in("steward@bangkok.go.th")
    form = steward.get("/dataset/new", params={"data_type": "ข้อมูลสถิติ"}).text
    saved = steward.post("/dataset/new", data={"csrf_token": csrf_of(form), "data_type": "ข้อมูลสถิติ",
                                               "name": "bare-draft", "title": "ร่างที่ยังไม่ครบ",
                                               "owner_org": "bma-hrd"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/dataset/bare-draft"
    with open_ctx() as ctx:
        assert get_dataset(ctx, "bare-draft").state == "draft"
    page = steward.get("/dataset/bare-draft").text
    refused = steward.post("/dataset/bare-draft/publish", data={"csrf_token": csrf_of(page), "version": "1"})
    assert refused.status_code == 422
    assert "ต้องระบุ ชื่อฝ่ายงานสำหรับติดต่อ ก่อนเผยแพร่" in refused.text and "ต้องระบุ สัญญาอนุญาต" in refused.text
    english = steward.post("/dataset/bare-draft/publish?lang=en", data={"csrf_token": csrf_of(page), "version": "1"})
    assert "Contact Person is required before publishing" in english.text
    with open_ctx() as ctx:
        assert get_dataset(ctx, "bare-draft").state == "draft"
        full = {k: v for k, v in dataset_input().items() if k not in ("name", "title", "owner_org")}
        from catalog.actions.datasets import dataset_update
        dataset_update(ctx, "bare-draft", full)
    done = steward.post("/dataset/bare-draft/publish", data={"csrf_token": csrf_of(page), "version": "2"},
                        follow_redirects=False)
    assert done.status_code == 303
    with open_ctx() as ctx:
        assert get_dataset(ctx, "bare-draft").state == "active"


def test_a_deleted_dataset_offers_no_edit_and_refuses_one(sign_in: SignIn, open_ctx: OpenContext) -> None:
    _draft(open_ctx)
    steward = sign_in("steward@bangkok.go.th")
    token = csrf_of(steward.get(f"/dataset/{DRAFT}").text)
    steward.post(f"/dataset/{DRAFT}/delete", data={"csrf_token": token, "version": "1", "reason": "ซ้ำ"})
    assert _state(open_ctx) == "deleted"
    page = steward.get(f"/dataset/{DRAFT}").text
    assert f'href="/dataset/edit/{DRAFT}"' not in page and "/resource/new" not in page
    assert "restore" in page  # what it offers: restoring it
    form = steward.get(f"/dataset/edit/{DRAFT}")
    assert form.status_code == 422 and "ถูกลบแล้ว" in form.text
    assert steward.get(f"/dataset/{DRAFT}/resource/new").status_code == 422
    posted = steward.post(f"/dataset/edit/{DRAFT}", data={"csrf_token": token, "version": "2", "notes": "แก้"})
    assert posted.status_code == 422 and "ถูกลบแล้ว" in posted.text
    with open_ctx() as ctx:
        assert get_dataset(ctx, DRAFT).extras["notes"] == dataset_input()["notes"]
