"""Configuration a user edits (YAML) and the typed models it is validated into."""
