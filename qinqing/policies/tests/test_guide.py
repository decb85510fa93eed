"""The officer's guided page: document → items → rule → preview → publish."""

import pytest
from django.urls import reverse

from qinqing.policies import services
from qinqing.policies.factories import make_document, make_item
from qinqing.policies.guide import CURRENT, DONE, TODO, document_progress
from qinqing.policies.models import PolicyDocument

pytestmark = pytest.mark.django_db

RULE = {"all": [{"type": "threshold", "field": "revenue", "year": 2025, "op": ">=", "value": 1}]}


def states(steps):  # type: ignore[no-untyped-def]
    return {s.key: s.state for s in steps}


def test_the_stepper_follows_a_document_to_publication(
    client_for, policy_officer, district
) -> None:  # type: ignore[no-untyped-def]
    document = services.save_document(
        PolicyDocument(title="关于稳岗就业的通知", issuer="区人社局"), actor=policy_officer
    )  # a draft
    steps, _progress = document_progress(document)
    assert states(steps) == {
        "document": DONE, "items": CURRENT, "rule": TODO, "preview": TODO, "publish": TODO,
    }  # fmt: skip

    item = make_item(
        actor=policy_officer, department=district.dept, document=document, publish=False
    )
    steps, progress = document_progress(document)
    assert states(steps)["rule"] == CURRENT
    assert states(progress[0].steps) == {"rule": CURRENT, "preview": TODO, "publish": TODO}

    services.draft_rule(item, actor=policy_officer, tree=RULE)
    _steps, progress = document_progress(document)
    assert states(progress[0].steps)["preview"] == CURRENT
    assert progress[0].steps[1].url.endswith("?preview=1")

    services.publish_rule(item.rule_versions.get(), actor=policy_officer)
    _steps, progress = document_progress(document)
    assert progress[0].ready_to_publish

    client = client_for(policy_officer)
    guide = reverse("policies:guide", args=[document.pk])
    page = client.get(guide).content.decode()
    assert "发布事项" in page and 'aria-current="step"' in page
    response = client.post(
        reverse("policies:item_status", args=[item.pk, "publish"]), {"next": guide}, follow=True
    )
    assert response.redirect_chain[-1][0] == guide
    assert "现为“已发布”" in response.content.decode()
    steps, progress = document_progress(document)
    assert states(progress[0].steps)["publish"] == DONE
    assert states(steps)["publish"] == CURRENT  # the document itself is still a draft
    page = client.post(
        reverse("policies:document_status", args=[document.pk, "publish"]),
        {"next": guide},
        follow=True,
    ).content.decode()
    assert "政策文件“关于稳岗就业的通知”现为“已发布”" in page
    document.refresh_from_db()
    steps, _progress = document_progress(document)
    assert set(states(steps).values()) == {DONE}


def test_the_guided_page_is_for_officers_and_keeps_redirects_inside(
    client_for, policy_officer, handler
) -> None:  # type: ignore[no-untyped-def]
    document = make_document(actor=policy_officer)
    assert client_for(handler).get(reverse("policies:guide", args=[document.pk])).status_code == 403
    response = client_for(policy_officer).post(
        reverse("policies:document_status", args=[document.pk, "publish"]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("policies:desk")


def test_a_new_item_starts_in_the_document_it_was_added_from(client_for, policy_officer) -> None:  # type: ignore[no-untyped-def]
    document = make_document(actor=policy_officer)
    page = client_for(policy_officer).get(reverse("policies:item_new") + f"?document={document.pk}")
    assert f'<option value="{document.pk}" selected>' in page.content.decode()


def test_the_officers_home_lists_documents_in_progress(client_for, policy_officer) -> None:  # type: ignore[no-untyped-def]
    draft = services.save_document(
        PolicyDocument(title="关于促进消费的通知", issuer="区商务局"), actor=policy_officer
    )
    page = client_for(policy_officer).get("/").content.decode()
    assert "办理中的政策文件" in page
    assert reverse("policies:guide", args=[draft.pk]) in page


def test_size_classes_read_in_chinese_in_a_rule(policy_officer, district) -> None:  # type: ignore[no-untyped-def]
    from qinqing.policies.matching import compile_version

    item = make_item(actor=policy_officer, department=district.dept, publish=False)
    draft = services.draft_rule(
        item,
        actor=policy_officer,
        tree={"all": [{"type": "size_class_in", "values": ["small", "micro"]}]},
    )
    text = " ".join(c.describe() for c in compile_version(draft, item).tops)
    assert "小型、微型" in text and "small" not in text
