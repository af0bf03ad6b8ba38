"""Predefined entities, one package each (declaration + worker behaviour), and the custom one."""
