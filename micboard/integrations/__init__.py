"""Vendor drivers behind one interface (``base``) and the registry that maps protocols to them."""
