"""Page routes (HTML) and their page contexts: one documented dataclass per template (CONVENTIONS 9)."""
