"""Builders of the things tests need, one module per domain (access, feeds, identity, people): plain functions
over the ORM with sensible synthetic defaults, and the few fixtures that go with them. Tests import these,
never another test module."""
