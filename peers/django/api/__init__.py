"""benchlab's Django peer: the contract with Django REST framework ViewSets,
serializers and the Django ORM, served by gunicorn's sync workers."""
