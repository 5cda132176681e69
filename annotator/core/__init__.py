"""The Qt-free core: model, store, importers, exporters, offsets, search."""
