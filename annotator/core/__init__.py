"""The Qt-free core: model, store, formats, offsets, search, agreement."""
