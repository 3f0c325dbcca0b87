"""MAST: the Multi-Agency Safeguarding Tracker."""

__version__ = "0.1.0"
