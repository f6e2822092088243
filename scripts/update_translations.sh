#!/usr/bin/env bash
# Refresh the translation source from the code, then compile it for Qt.
# Edit resources/i18n/citygrid_zh_CN.ts with Qt Linguist (pyside6-linguist) in between.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=".venv/bin"
"$bin/pyside6-lupdate" app/ui/*.py app/map/render/*.py -no-obsolete -ts resources/i18n/citygrid_zh_CN.ts -target-language zh_CN
"$bin/python" scripts/fill_translations.py
"$bin/pyside6-lrelease" resources/i18n/citygrid_zh_CN.ts -qm resources/i18n/citygrid_zh_CN.qm
