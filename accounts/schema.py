"""The API token scheme in the OpenAPI schema (imported in AccountsConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        prefix = self.target.authenticate_header(None)  # REST_KNOX AUTH_HEADER_PREFIX: "Token"
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)
