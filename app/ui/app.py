"""Application set-up: fonts, translations, first-start seeding, screenshots."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QAction, QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.paths import RESOURCES_DIR

if TYPE_CHECKING:
    from app.domain.org import Staff
    from app.services.auth import AuthService
    from app.store.store import Store
    from app.ui.main_window import MainWindow

I18N_DIR = RESOURCES_DIR / "i18n"
# Chinese text needs a CJK font. Qt asks fontconfig for fallbacks, but naming the usual
# CJK families first makes the choice stable across machines (README: "Fonts").
CJK_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC",
                "Microsoft YaHei", "PingFang SC", "Sans Serif"]

_translators: list[QTranslator] = []


def ensure_app(offscreen: bool = False) -> QApplication:
    if offscreen and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("CityGrid")
        app.setOrganizationName("CityGrid")
        font = QFont()
        font.setFamilies(CJK_FAMILIES)
        font.setPointSize(10)
        app.setFont(font)
    return app  # type: ignore[return-value]


def install_language(lang: str) -> str:
    """Install the translators for ``lang`` ('zh_CN' or 'en'); returns the language used.

    Source strings are English; zh_CN comes from resources/i18n/citygrid_zh_CN.qm plus Qt's
    own qtbase translation for standard dialogs.
    """
    app = QApplication.instance()
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return "en"
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    ours = QTranslator()
    if ours.load(str(I18N_DIR / f"citygrid_{lang}.qm")):
        app.installTranslator(ours)
        _translators.append(ours)
    qt = QTranslator()
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _translators.append(qt)
    return lang


def saved_language(default: str = "zh_CN") -> str:
    return str(QSettings().value("ui/language", default))


def run_gui(db: str | None = None, lang: str = "zh_CN", scale: str = "district") -> int:
    app = ensure_app()
    from app.store.store import Store
    from app.ui.main_window import MainWindow
    from app.ui.seed_dialog import seed_with_progress

    install_language(lang if lang != "zh_CN" else saved_language(lang))
    try:
        store = Store.open(db)
    except Exception as exc:  # noqa: BLE001 - show the user what is wrong with the DB
        QMessageBox.critical(None, "CityGrid", f"{exc}")
        return 1
    if not store.is_seeded() and not seed_with_progress(store, scale):
        return 1
    from app.services.auth import AuthService

    auth = AuthService(store)
    # With accounts that have passwords, the seat is whoever logs in; without any (an old
    # single-user database) the seat selector stays as it was.
    seat: dict[str, Staff | None] = {"staff": None}
    if auth.login_required():
        seat["staff"] = ask_login(store, auth)
        if seat["staff"] is None:
            return 0
    windows: list[MainWindow] = []

    def switch_user(win: MainWindow) -> None:
        staff = ask_login(store, auth, win)
        if staff is not None:
            seat["staff"] = staff
            apply_login(win, staff)

    def open_window(view: tuple[float, float, float, float] | None = None) -> None:
        win = MainWindow(store)
        win.language_requested.connect(lambda code: switch_language(code))
        win.live_language_switch = True
        if seat["staff"] is not None:
            apply_login(win, seat["staff"], lambda: switch_user(win))
        if view is not None:
            win.loaded.connect(lambda: win.canvas.zoom_to(view, margin=0.0))
        windows.append(win)
        win.show()
        win.load_async()

    def switch_language(code: str) -> None:
        # Qt widgets take their texts when built: rebuild the window in the new language
        # on the same store and view (the data loads again in the background).
        old = windows.pop()
        view = old.canvas.view_bounds()
        install_language(code)
        open_window(view)
        old.close()

    open_window()
    return app.exec()


def ask_login(store: Store, auth: AuthService, parent: QWidget | None = None
              ) -> Staff | None:
    """Show the login dialog; the logged-in account, or None when cancelled."""
    from app.services.auth import DEMO_PASSWORD_META
    from app.ui.login_dialog import LoginDialog

    dialog = LoginDialog(auth, store.url, demo_hint=store.meta.get(DEMO_PASSWORD_META) == "1",
                         parent=parent)
    ok = dialog.exec() == LoginDialog.DialogCode.Accepted
    return dialog.staff if ok else None


def apply_login(win: MainWindow, staff: Staff,
                switch_user: Callable[[], None] | None = None) -> None:
    """Make ``staff`` the window's seat, not switchable except by logging in again.

    Uses ``MainWindow.set_logged_in(staff)`` and its ``switch_user_requested`` signal when
    the window has them; otherwise picks the login in the seat selector and locks it.
    """
    hook = getattr(win, "set_logged_in", None)
    if hook is not None:
        hook(staff)
    else:
        box = getattr(win, "user_box", None)
        if box is not None:
            index = box.findData(staff.login)
            if index >= 0:
                box.setCurrentIndex(index)
            box.setEnabled(False)
    if switch_user is None:
        return
    signal = getattr(win, "switch_user_requested", None)
    if signal is not None:
        signal.connect(switch_user)
    elif win.findChild(QAction, "actSwitchUser") is None:
        act = QAction(QCoreApplication.translate("LoginDialog", "Switch user…"), win)
        act.setObjectName("actSwitchUser")
        act.triggered.connect(switch_user)
        menus = win.menuBar().actions()
        if menus and menus[0].menu() is not None:
            menus[0].menu().addAction(act)


def screenshot(out: str, db: str | None = None, lang: str = "zh_CN",
               size: tuple[int, int] = (1600, 1000), view: str = "district") -> int:
    """Render the real main window offscreen, fully loaded, and save it as PNG."""
    app = ensure_app(offscreen=True)
    from app.store.store import Store
    from app.ui.main_window import MainWindow

    install_language(lang)
    store = Store.open(db)
    if not store.is_seeded():
        print(f"The database {store.url} is empty: run `python main.py seed` first.",
              file=sys.stderr)
        return 2
    win = MainWindow(store)
    win.resize(*size)
    win.show()
    win.load_sync()
    if not win.apply_view(view):
        print(f"Unknown view “{view}”: use district, street:<code>, grid:<id>, "
              "case:<number> or camera:<part id>",
              file=sys.stderr)
        return 2
    for _ in range(5):
        app.processEvents()
    QGuiApplication.sync()
    ok = win.grab().save(out)
    win.close()
    print(f"Saved {out}" if ok else f"Could not write {out}")
    return 0 if ok else 1
