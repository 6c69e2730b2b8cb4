"""Storage: the only code that talks SQL."""
