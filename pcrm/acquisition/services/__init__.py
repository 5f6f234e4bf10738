"""Writes of the acquisition app, one module per subdomain."""
