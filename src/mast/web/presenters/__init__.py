"""How domain objects read on a page: labels, rows, numbers as people say them. No rules, no queries of
their own beyond what the page shows."""
