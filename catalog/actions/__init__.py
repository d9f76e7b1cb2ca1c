"""Named operations on the catalog. Each validates its input, checks permission once, writes its
audit entry, and runs inside the caller's :class:`catalog.context.Context` transaction."""
