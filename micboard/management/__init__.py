"""Django management commands of micboard."""
