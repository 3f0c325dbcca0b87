"""The data-sharing agreement as data: partners, purposes, lawful bases, fields shared, retention."""
