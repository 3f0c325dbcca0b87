"""The partner REST API: records pushed as they happen, and "is this person known?" asked system to system."""
