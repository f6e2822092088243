"""Fill unfinished zh_CN entries of resources/i18n/citygrid_zh_CN.ts from a glossary.

Used when new interface strings arrive: `python scripts/fill_translations.py` after
lupdate, then lrelease (scripts/update_translations.sh runs all three). The glossary keeps
the standard Chinese terms in one place; entries it does not know stay unfinished and are
listed, so a translator can finish them in Qt Linguist.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "resources" / "i18n" / "citygrid_zh_CN.ts"

# (context or "*", English source) → Chinese. "*" applies in any context.
GLOSSARY: dict[tuple[str, str], str] = {
    ("*", "All sources"): "全部来源", ("*", "All urgencies"): "全部紧急程度",
    ("*", "Refresh (Ctrl+R)"): "刷新 (Ctrl+R)", ("*", "Suggested: %1"): "建议：%1",
    ("*", "Reason:"): "原因/意见：", ("*", "Seat user"): "当前坐席",
    ("*", "Command centre"): "指挥中心", ("*", "To verify"): "待核实",
    ("*", "Awaiting check"): "待核查", ("*", "Closed today"): "今日结案",
    ("*", "Overdue"): "已超期", ("*", "Select a case"): "请选择案件",
    ("*", "Remaining"): "剩余时间", ("*", "All streets"): "全部街道",
    ("*", "Type code, community or grid id"): "类别代码、社区或网格编码",
    ("Roles", "Field supervisor"): "监督员", ("Roles", "Video supervisor"): "视频监督员",
    ("Roles", "Grid worker"): "网格员", ("Roles", "Operator"): "受理员",
    ("Roles", "Shift leader"): "值班长", ("Roles", "Dispatcher"): "派遣员",
    ("Roles", "Department staff"): "专业部门", ("Roles", "Manager"): "领导",
    ("Roles", "Administrator"): "系统管理员",
    ("Actions", "Report"): "上报", ("Actions", "Register"): "受理",
    ("Actions", "Send for verification"): "发核实", ("Actions", "Verify"): "核实",
    ("Actions", "File"): "立案", ("Actions", "Void"): "作废", ("Actions", "Dispatch"): "派遣",
    ("Actions", "Return (not ours)"): "回退", ("Actions", "Approve return"): "同意回退",
    ("Actions", "Reject return"): "驳回回退", ("Actions", "Request extension"): "延期申请",
    ("Actions", "Approve extension"): "同意延期", ("Actions", "Reject extension"): "驳回延期",
    ("Actions", "Request parking"): "挂账申请", ("Actions", "Approve parking"): "同意挂账",
    ("Actions", "Reject parking"): "驳回挂账", ("Actions", "Resume from ledger"): "挂账恢复",
    ("Actions", "Report handling"): "处置反馈", ("Actions", "Send for check"): "发核查",
    ("Actions", "Check passed"): "核查通过",
    ("Actions", "Check failed (rework)"): "核查不通过(返工)",
    ("Actions", "Re-dispatch (wrong department)"): "改派(错误派遣)",
    ("Actions", "Close"): "结案", ("Actions", "Callback"): "回访", ("Actions", "Urge"): "督办",
    ("Actions", "Escalate"): "提级", ("Actions", "Self-handle"): "自处理",
}


def _load_tsv() -> None:
    """More ("*", source) entries from glossary_zh.tsv: one tab-separated pair a line."""
    path = Path(__file__).with_name("glossary_zh.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            src, zh = (part.replace("\\n", "\n") for part in line.split("\t"))  # \n escapes
            GLOSSARY.setdefault(("*", src), zh)


def main() -> int:
    _load_tsv()
    tree = ET.parse(TS)
    left = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            src = msg.findtext("source")
            tr = msg.find("translation")
            if tr is None or tr.get("type") != "unfinished":
                continue
            zh = GLOSSARY.get((name, src)) or GLOSSARY.get(("*", src))
            if zh is None:
                left.append(f"{name}: {src}")
                continue
            tr.text = zh
            del tr.attrib["type"]
    ET.indent(tree)
    with open(TS, "wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding="utf-8", xml_declaration=False)
    for line in left:
        print("unfinished:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
