"""A realistic demo district: 广安市广安区 (GB/T 2260 511602) with its streets and towns,
the departments that handle enterprise appeals, service windows, people of every role and a
few hundred enterprises with valid credit codes. Names of people are invented."""

import functools

from django.contrib.auth.hashers import make_password

DEMO_PASSWORD = "Demo@2026qq"  # noqa: S105 (printed for the demo; documented in the README)


@functools.cache
def demo_password_hash() -> str:
    """Hashed once for every demo account: key stretching is meant to be slow, and the
    demo creates some forty accounts with the same published password."""
    return make_password(DEMO_PASSWORD)


DISTRICT = ("511602", "广安市广安区")

STREETS = [
    ("511602001", "北辰街道"),
    ("511602002", "广福街道"),
    ("511602003", "万盛街道"),
    ("511602004", "中桥街道"),
    ("511602005", "枣山街道"),
    ("511602101", "协兴镇"),
    ("511602102", "浓洄镇"),
    ("511602103", "悦来镇"),
]

# (code, name, short name, phone)
DEPARTMENTS = [
    ("D-FGJ", "广安区发展和改革局", "发改局", "0826-2221001"),
    ("D-JXJ", "广安区经济和信息化局", "经信局", "0826-2221002"),
    ("D-SCJ", "广安区市场监督管理局", "市场监管局", "0826-2221003"),
    ("D-RSJ", "广安区人力资源和社会保障局", "人社局", "0826-2221004"),
    ("D-ZJJ", "广安区住房和城乡建设局", "住建局", "0826-2221005"),
    ("D-ZRZYJ", "广安区自然资源和规划局", "自然资源局", "0826-2221006"),
    ("D-STHJJ", "广安区生态环境局", "生态环境局", "0826-2221007"),
    ("D-JTJ", "广安区交通运输局", "交通局", "0826-2221008"),
    ("D-SPJ", "广安区行政审批局", "审批局", "0826-2221009"),
    ("D-KJJ", "广安区科学技术局", "科技局", "0826-2221010"),
    ("D-CZJ", "广安区财政局", "财政局", "0826-2221011"),
    ("D-SWJ", "广安区商务局", "商务局", "0826-2221012"),
    ("D-SWUJ", "广安区水务局", "水务局", "0826-2221013"),
    ("D-SWSWJ", "国家税务总局广安市广安区税务局", "税务局", "0826-2221014"),
    ("D-YSHJ", "广安区营商环境服务中心", "营商中心", "0826-2221015"),
    ("D-12345", "广安区 12345 政务服务便民热线中心", "12345 热线", "12345"),
    ("D-JRJ", "广安区金融工作局", "金融局", "0826-2221016"),
    ("D-YJJ", "广安区应急管理局", "应急局", "0826-2221017"),
    ("D-XFJY", "广安区消防救援大队", "消防大队", "0826-2221018"),
    ("D-ZHZF", "广安区综合行政执法局", "综合执法局", "0826-2221019"),
]

WINDOWS = [
    ("W-01", "企业开办综合窗口", "D-SPJ"),
    ("W-02", "工程建设项目审批窗口", "D-SPJ"),
    ("W-03", "涉企诉求受理窗口", "D-YSHJ"),
    ("W-04", "惠企政策兑现窗口", "D-YSHJ"),
]

# username, full name, role, organisation code
PEOPLE = [
    ("admin", "王建国", "admin", "511602"),
    ("leader", "李书记", "leader", "511602"),
    ("supervisor", "赵督办", "supervisor", "511602"),
    ("intake", "陈晓燕", "intake", "511602"),  # 12345 seat: registers for the whole district
    ("intake2", "刘敏", "intake", "511602"),  # 涉企诉求窗口
    ("handler", "张伟", "handler", "D-JXJ"),
    ("head", "周海峰", "dept_head", "D-JXJ"),
    ("handler2", "孙丽", "handler", "D-SCJ"),
    ("head2", "吴刚", "dept_head", "D-SCJ"),
    ("handler3", "郑强", "handler", "D-ZJJ"),
    ("street", "何静", "handler", "511602001"),
    ("policy", "黄政策", "policy", "D-YSHJ"),
    ("policy2", "马晓东", "policy", "D-KJJ"),
]

# One handler (承办人) for every other department, so that each can sign for its appeals.
DEPARTMENT_HANDLERS = [
    ("h-fgj", "杨帆", "D-FGJ"),
    ("h-rsj", "罗娟", "D-RSJ"),
    ("h-zrzyj", "唐磊", "D-ZRZYJ"),
    ("h-sthjj", "谢婷", "D-STHJJ"),
    ("h-jtj", "曾涛", "D-JTJ"),
    ("h-spj", "冯霞", "D-SPJ"),
    ("h-kjj", "韩冰", "D-KJJ"),
    ("h-czj", "彭超", "D-CZJ"),
    ("h-swj", "蒋琳", "D-SWJ"),
    ("h-swuj", "邓洋", "D-SWUJ"),
    ("h-swswj", "苏敏", "D-SWSWJ"),
    ("h-yshj", "魏杰", "D-YSHJ"),
    ("h-jrj", "程鹏", "D-JRJ"),
    ("h-yjj", "丁勇", "D-YJJ"),
    ("h-xfjy", "任刚", "D-XFJY"),
    ("h-zhzf", "姚红", "D-ZHZF"),
]

# GB/T 4754-2017 codes (门类 letter + 中类/小类 digits) used for the demo enterprises
INDUSTRIES = [
    ("C1391", "食品", "农副食品加工"),
    ("C2614", "化工", "有机化学原料制造"),
    ("C3311", "金属", "金属结构制造"),
    ("C3484", "机械", "机械零部件加工"),
    ("C3670", "汽车配件", "汽车零部件及配件制造"),
    ("C3825", "光电", "光伏设备及元器件制造"),
    ("C3911", "电子", "计算机整机制造"),
    ("C3982", "电子元件", "电子电路制造"),
    ("E4701", "建设", "房屋建筑业"),
    ("F5212", "商贸", "超级市场零售"),
    ("G5430", "物流", "道路货物运输"),
    ("H6110", "酒店", "旅游饭店"),
    ("H6210", "餐饮", "正餐服务"),
    ("I6513", "软件", "应用软件开发"),
    ("I6450", "网络", "互联网数据服务"),
    ("K7010", "置业", "房地产开发经营"),
    ("L7212", "投资", "投资与资产管理"),
    ("M7320", "科技", "工程和技术研究和试验发展"),
    ("A0141", "农业", "蔬菜种植"),
]

NAME_WORDS = [
    "渠江",
    "华蓥",
    "邓园",
    "思源",
    "小平",
    "协兴",
    "奎阁",
    "白塔",
    "宝箴",
    "神龙",
    "前锋",
    "枣山",
    "恒达",
    "鑫源",
    "聚力",
    "川东",
    "嘉陵",
    "蓥华",
    "天成",
    "宏图",
    "众诚",
    "瑞丰",
    "锦程",
    "博远",
    "新川",
    "汇通",
    "金穗",
    "长青",
    "天府",
    "同创",
]
LEGAL_FORMS = ["有限责任公司", "股份有限公司", "个人独资企业", "有限责任公司（自然人投资或控股）"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞辉建波宁斌帅"
