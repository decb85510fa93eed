"""Names shared by items, bundles and the certificate store (pure: no database).

A material names the certificate kind it is (`business_licence`); the store keeps
certificates by kind, so a material on file is found by its kind. Form fields are
keys too, so a bundle asks each fact once."""

CERTIFICATE_KINDS: dict[str, str] = {
    "business_licence": "营业执照",
    "id_card": "法定代表人身份证",
    "lease": "经营场所使用证明（租赁合同或产权证明）",
    "articles": "公司章程",
    "food_licence": "食品经营许可证",
    "health_certificate": "从业人员健康证明",
    "fire_safety": "公众聚集场所投入使用、营业前消防安全检查合格证",
    "signboard_permit": "户外招牌设置许可",
    "drainage_permit": "城镇污水排入排水管网许可证",
    "environment_record": "建设项目环境影响登记表备案回执",
    "social_security": "社会保险登记证明",
    "labour_contract": "劳动合同",
    "housing_fund": "住房公积金缴存登记证明",
    "tax_registration": "税务登记信息确认",
    "seal_record": "公章刻制备案",
    "bank_account": "银行开户许可信息",
    "land_certificate": "不动产权证书",
    "planning_permit": "建设工程规划许可证",
    "construction_permit": "建筑工程施工许可证",
    "road_transport": "道路运输经营许可证",
    "liquor_licence": "酒类经营备案",
    "tobacco_licence": "烟草专卖零售许可证",
    "medical_device": "第二类医疗器械经营备案凭证",
    "pharmacy_licence": "药品经营许可证",
    "financial_statements": "财务报表",
    "rd_audit_report": "研发费用专项审计报告",
    "tax_certificate": "完税证明",
    "ip_certificates": "知识产权证书",
    "qual:high_tech": "高新技术企业证书",
    "qual:srdi": "专精特新中小企业认定",
    "qual:little_giant": "专精特新“小巨人”企业认定",
    "qual:tech_sme": "科技型中小企业入库登记编号",
    "qual:above_scale": "规模以上工业企业认定",
    "qual:above_quota": "限额以上企业认定",
    "qual:tech_centre": "企业技术中心认定",
    "qual:innovative_sme": "创新型中小企业认定",
}

FORM_FIELDS: dict[str, str] = {
    "company_name": "企业名称",
    "legal_person": "法定代表人",
    "legal_person_id": "法定代表人身份证号",
    "address": "经营场所地址",
    "phone": "联系电话",
    "business_scope": "经营范围",
    "registered_capital": "注册资本（万元）",
    "employees": "从业人数",
    "area": "经营面积（平方米）",
    "seats": "餐位数",
    "shareholders": "股东及出资情况",
    "bank": "开户银行",
    "employee_name": "员工姓名",
    "employee_id": "员工身份证号",
    "hire_date": "入职日期",
    "salary": "月工资（元）",
    "project_name": "项目名称",
    "investment": "总投资（万元）",
    "sign_text": "招牌内容及尺寸",
    "vehicle_count": "车辆数",
}

# The guide's "what do you want to do", with the everyday words each choice stands for.
INTENTS: dict[str, tuple[str, str]] = {
    "open": ("开办企业、开店", "开办 设立 登记 开业 开店"),
    "change": ("变更、迁移", "变更 迁移 备案"),
    "close": ("注销、歇业", "注销 歇业"),
    "food": ("餐饮、食品", "餐饮 食品 饭店 餐馆"),
    "hire": ("招用员工、社保", "就业 社会保险 招用 员工 公积金"),
    "build": ("项目建设、施工", "建设 施工 规划 用地 工程"),
    "support": ("资质认定、奖补", "认定 奖励 补贴 资助 高新"),
    "transport": ("运输、车辆", "运输 道路 车辆"),
}

# Everyday words people type, and what the catalog calls them.
SYNONYMS: dict[str, str] = {
    "开公司": "企业 设立 登记",
    "开店": "个体 设立 登记 营业执照",
    "开饭店": "餐饮 食品经营",
    "开餐馆": "餐饮 食品经营",
    "饭店": "餐饮 食品经营",
    "招人": "就业 招用 员工",
    "招工": "就业 招用 员工",
    "社保": "社会保险",
    "五险": "社会保险",
    "盖房": "建设 施工",
    "盖厂房": "建设 施工 规划",
    "执照": "营业执照",
    "关门": "注销",
    "倒闭": "注销",
    "搬家": "迁移 变更",
    "改名": "名称 变更",
    "招牌": "户外招牌 设置",
    "排污": "排水 污水 排污",
    "卖酒": "酒类",
    "卖烟": "烟草",
    "补贴": "补贴 奖励 资助",
}


def kind_label(kind: str) -> str:
    return CERTIFICATE_KINDS.get(kind, kind)


def field_label(key: str) -> str:
    return FORM_FIELDS.get(key, key)
