"""Telling an allocated worker when another agency becomes involved with their person.

The rules are in services.py and docs/alerts-and-email.md.
"""
