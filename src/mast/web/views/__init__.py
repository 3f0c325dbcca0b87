"""Thin views, one module per area: they read the request, ask a service and render a template."""
