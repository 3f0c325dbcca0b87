"""The pipeline a partner's file goes through: load (feeds) → match (identity) → alert (alerts).

The one package allowed to import all three, so that feeds knows nothing of identity and identity nothing of
alerts. The `mast load` and `mast undo_load` commands, the feed owner's upload (a background task) and the
demo all come through here.
"""
