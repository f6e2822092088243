"""Map: Qt-free layer models (``layers``) and their pyqtgraph renderers (``render``)."""
