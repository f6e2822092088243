"""First start: seed the demo district with a progress dialog."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from app.services.seeding import seed
from app.store.store import Store
from app.ui.workers import Worker


def seed_with_progress(store: Store, scale: str = "district") -> bool:
    """Seed ``store`` on a worker thread while a modal progress dialog shows the stage."""
    dlg = QProgressDialog(QCoreApplication.translate("SeedDialog", "Creating the demo district…"), "", 0, 1000)
    dlg.setWindowTitle(QCoreApplication.translate("SeedDialog", "CityGrid — first start"))
    dlg.setCancelButton(None)  # the seed is one transaction; stopping half-way gains nothing
    dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
    dlg.setMinimumDuration(0)
    dlg.setMinimumWidth(460)
    dlg.setValue(0)
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def on_progress(f: float, msg: str) -> None:
        dlg.setValue(int(f * 1000))
        dlg.setLabelText(QCoreApplication.translate("SeedDialog", "Creating the demo district…") + f"\n{msg}")

    def on_done(rep: object) -> None:
        outcome["report"] = rep
        loop.quit()

    def on_failed(msg: str) -> None:
        outcome["error"] = msg
        loop.quit()

    worker = Worker(lambda progress: seed(store, scale, progress=progress), with_progress=True)
    worker.progress.connect(on_progress)
    worker.done.connect(on_done)
    worker.failed.connect(on_failed)
    dlg.show()
    worker.start()
    loop.exec()
    dlg.close()
    if "error" in outcome:
        QMessageBox.critical(None, QCoreApplication.translate("SeedDialog", "CityGrid"),
                             QCoreApplication.translate("SeedDialog", "The demo district could not be created:") +
                             f"\n{outcome['error']}")
        return False
    return True
