"""The read side: the person, address and search results that the screens and the API show.

Every function here takes a `mast.gate.gate.Scope`, which only the access gate makes: callers reach these
through `through_gate`, which checks the policy and writes the audit event.
"""
