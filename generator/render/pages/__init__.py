"""Page builders, one module per page family; each returns a `Page` (path, title, Markdown)."""
