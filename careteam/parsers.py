"""The API's JSON parser (settings REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

Kept apart from careteam.api_common, which imports rest_framework.views: that module reads the
parser setting when it is imported."""

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL_MESSAGE = "Remove the NUL character (\\x00): it is not allowed in any field."
OBJECT_MESSAGE = "Send a JSON object ({...}) as the request body."


def has_nul(value: Any) -> bool:
    """Whether a parsed JSON value (or a key in it) holds a NUL character anywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


class ObjectJSONParser(JSONParser):
    """JSON whose top level is an object (every endpoint takes one) and holds no NUL: anything
    else is a 400 before a view looks at it (``request.data.get`` works in every view)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(OBJECT_MESSAGE)
        if has_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data
