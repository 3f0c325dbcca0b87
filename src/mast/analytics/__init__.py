"""Aggregate trends, demand and data quality over MAST's 36 months, for the partnership that runs it.

It reads the other packages' data and writes back nothing of theirs; every figure leaves it through
`disclosure`, so no page, export or report can show a count small enough to single out a person.
"""
