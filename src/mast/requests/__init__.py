"""Targeted requests between agencies, and referrals sent straight to the allocated worker of an open case."""
