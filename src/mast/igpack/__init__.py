"""The information-governance pack, generated from the agreement in force and the running configuration."""
