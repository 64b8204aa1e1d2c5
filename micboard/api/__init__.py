"""REST API v1: Django REST framework views over the service layer, with an OpenAPI schema."""
