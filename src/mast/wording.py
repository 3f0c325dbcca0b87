"""Small pieces of English that MAST's messages share."""


def possessive(name: str) -> str:
    """ "Northshire Police's", but "Northshire Homes'": agencies are often named in the plural (Homes,
    Services, Hospitals), and "Homes's" reads as a typing slip."""
    name = str(name)
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"
