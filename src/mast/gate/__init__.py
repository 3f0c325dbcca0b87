"""Who may do and see what: the one policy (RULES), the purposes of access, and the one gate that reads
personal data and audits it in the same transaction. Above audit and governance, below the read side."""
