"""Finding a person or an address as a practitioner asks (find.py): the query and its reading (query.py),
candidates by exact look-ups (candidates.py) in the index identity keeps (index.py), scored with the trained
model's own comparison levels (scoring.py)."""
