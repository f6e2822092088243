"""Choose a case type (部件/事项类别) from the catalogue by code or name.

An operator taking a call knows either the code ("06010") or a word of the name ("垃圾",
"井盖"). The picker is one line edit with a popup list of matches, so it takes no more room
than a combo box in a form or a dock:

* typing filters: a digit string matches codes by prefix, anything else matches any part of
  the Chinese name (and codes by prefix too, so "0601" and "垃圾" both work);
* Down opens the list and moves in it, Enter chooses the highlighted entry (or the first
  match when nothing is highlighted), Escape closes the list;
* a chosen type shows as "06010 暴露垃圾 (事项)"; editing the text again clears the choice.

The popup is a :class:`QCompleter` attached with ``setWidget`` rather than
``QLineEdit.setCompleter``: the line edit then does not copy every highlighted row into its
text, and the filtering (prefix on codes, substring on names) is ours, not Qt's.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QWidget

from app.ui import texts

TypeKey = tuple[str, str]  # (kind, code), kind is a CaseKind value: "part" or "matter"

_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class TypePicker(QWidget):
    """A searchable chooser of (kind, type code) from ``type_names``.

    Parameters
    ----------
    type_names
        Catalogue names by (kind, code), as returned by ``CaseService.type_names()``.
    parent
        The parent widget.
    """

    changed = Signal(object)  # the chosen (kind, code), or None when the choice is cleared

    def __init__(self, type_names: dict[tuple[str, str], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = dict(type_names)
        # Parts before matters for the same code prefix; codes order the catalogue.
        self._keys: list[TypeKey] = sorted(self._names, key=lambda k: (k[1], k[0]))
        self._selected: TypeKey | None = None

        self.search = QLineEdit()
        self.search.setObjectName("typeSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Type code or name, e.g. 06010 or 垃圾"))
        self.search.setToolTip(self.tr(
            "Type a code prefix or part of the name; Down opens the list, Enter chooses"))
        self.search.textEdited.connect(self._on_search_edited)
        self.search.returnPressed.connect(self._choose_current_or_first)
        self.search.installEventFilter(self)

        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.completer.setWidget(self.search)
        self.completer.popup().setObjectName("typePopup")
        self.completer.activated[QModelIndex].connect(self._on_activated)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        self.setFocusProxy(self.search)

    # -- public API -------------------------------------------------------------------------
    def selected(self) -> TypeKey | None:
        """The chosen (kind, code), or None."""
        return self._selected

    def set_selected(self, kind: str | None, code: str | None = None) -> None:
        """Choose (kind, code); ``set_selected(None)`` clears. Unknown types raise KeyError."""
        if kind is None or code is None:
            self._select(None)
            return
        key = (str(kind), str(code))
        if key not in self._names:
            raise KeyError(f"Type {code} ({kind}) is not in the catalogue")
        self._select(key)

    def clear(self) -> None:
        """Forget the choice and the search text (e.g. for the next call)."""
        self._select(None)
        self.completer.popup().hide()

    def label(self, key: TypeKey) -> str:
        """"06010 暴露垃圾 (事项)": code, catalogue name and kind in the UI language."""
        kind, code = key
        return f"{code} {self._names.get(key, '')} ({texts.value_text('case_kind', kind)})"

    def matches(self, text: str) -> list[TypeKey]:
        """Types whose code starts with ``text`` or whose name contains it, in code order."""
        query = text.strip()
        if not query:
            return list(self._keys)
        for key in self._keys:  # the full label of a type (as shown after choosing it)
            if self.label(key) == query:
                return [key]
        folded = query.casefold()
        return [k for k in self._keys
                if k[1].startswith(query) or folded in self._names[k].casefold()]

    def popup_keys(self) -> list[TypeKey]:
        """The types listed in the popup now (what the operator sees)."""
        return [self.model.item(r).data(_KEY_ROLE) for r in range(self.model.rowCount())]

    # -- behaviour --------------------------------------------------------------------------
    def _select(self, key: TypeKey | None) -> None:
        self.search.setText(self.label(key) if key else "")
        if key != self._selected:
            self._selected = key
            self.changed.emit(key)

    def _fill(self, keys: list[TypeKey]) -> None:
        self.model.clear()
        for key in keys:
            item = QStandardItem(self.label(key))
            item.setData(key, _KEY_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)

    def _show_matches(self) -> None:
        keys = self.matches(self.search.text())
        self._fill(keys)
        if keys:
            self.completer.complete()
        else:
            self.completer.popup().hide()

    def _on_search_edited(self, text: str) -> None:
        if self._selected is not None and text != self.label(self._selected):
            self._selected = None
            self.changed.emit(None)
        self._show_matches()

    def _on_activated(self, index: QModelIndex) -> None:
        key = index.data(_KEY_ROLE)
        if key is not None:
            self._select((str(key[0]), str(key[1])))
        self.completer.popup().hide()

    def _choose_current_or_first(self) -> None:
        popup = self.completer.popup()
        current = popup.currentIndex() if popup.isVisible() else QModelIndex()
        if current.isValid():
            self._on_activated(current)
            return
        if self._selected is not None and self.search.text() == self.label(self._selected):
            return
        keys = self.matches(self.search.text()) if self.search.text().strip() else []
        if keys:
            self._select(keys[0])
        popup.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search and isinstance(event, QKeyEvent) \
                and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and not self.completer.popup().isVisible():
                self._open_list()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Enter chooses here; it must not reach a dialog's default button.
                self._choose_current_or_first()
                return True
        return super().eventFilter(watched, event)

    def _open_list(self) -> None:
        """Down on the line edit: list the matches, or the whole catalogue around a choice."""
        chosen = self._selected is not None and self.search.text() == self.label(self._selected)
        keys = list(self._keys) if chosen else self.matches(self.search.text())
        self._fill(keys)
        if not keys:
            return
        self.completer.complete()
        row = keys.index(self._selected) if chosen and self._selected in keys else 0
        popup = self.completer.popup()
        popup.setCurrentIndex(self.completer.completionModel().index(row, 0))
