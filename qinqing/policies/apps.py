from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "qinqing.policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from qinqing.core.event_labels import register_event_labels

        register_event_labels(
            {
                "submitted": "已提交", "returned": "退回补正", "approved": "已批准",
                "rejected": "未通过", "document_created": "创建政策文件",
                "item_created": "创建政策事项", "paid": "已兑付",
                "document": "政策文件", "item": "政策事项", "rule": "申报条件",
                "application": "申报", "batch": "免申即享名单", "disbursement": "兑付",
                "published": "发布", "withdrawn": "撤回", "draft": "草稿", "drafted": "起草",
                "edited": "修改", "created": "创建", "approve": "批准", "pay": "兑付",
                "submit": "提交", "return": "退回补正", "reject": "驳回",
                "add": "加入", "remove": "移出", "fail": "兑付失败", "failed": "兑付失败",
                "pending": "待兑付", "retired": "停用",
            }
        )  # fmt: skip
        from qinqing.accounts.models import Role
        from qinqing.core.nav import register_home_card, register_nav
        from qinqing.enterprises.hooks import register_facts_listener
        from qinqing.policies import cards
        from qinqing.policies.tasks import rematch_changed_enterprises

        register_facts_listener(rematch_changed_enterprises)
        from qinqing.policies import assessment_figures

        assessment_figures.register()
        register_nav(_("Policies"), "policies:library", order=40)
        register_nav(_("My policies"), "policies:mine", roles=[Role.ENTERPRISE], order=41)
        register_nav(
            _("Policy work"), "policies:desk", roles=[Role.POLICY_OFFICER, Role.LEADER], order=42
        )
        register_home_card(
            "policies/cards/enterprise.html",
            [Role.ENTERPRISE],
            order=30,
            context=cards.enterprise_card,
        )
        register_home_card(
            "core/cards/due.html",
            [Role.POLICY_OFFICER],
            order=30,
            context=cards.officer_card,
            key="policies:applications",
        )
        register_home_card(
            "core/cards/due.html",
            [Role.POLICY_OFFICER],
            order=31,
            context=cards.batches_card,
            key="policies:batches",
        )
        register_home_card(
            "core/cards/due.html",
            [Role.POLICY_OFFICER],
            order=32,
            context=cards.documents_card,
            key="policies:documents",
        )
