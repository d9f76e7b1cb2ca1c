"""The API's routers, one per area; ``services.api.app`` includes them."""
