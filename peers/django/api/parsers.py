from rest_framework.parsers import JSONParser


class AnyTypeJSONParser(JSONParser):
    """A body whose Content-Type is not JSON (or missing) is read as JSON."""

    media_type = "*/*"
