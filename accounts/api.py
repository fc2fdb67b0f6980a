"""The API's sign-in: tokens (django-rest-knox), sign-out, two-factor set-up."""

from django.contrib.auth import authenticate, logout, user_logged_in
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from careteam.http import AuthenticatedRequest

from . import selectors, services
from .forms import count_failed_sign_in

WRONG_CREDENTIALS = "Unable to log in with provided credentials."


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="With two-factor sign-in: the current code.",
    )


TokenResponse = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
)


class TokenView(APIView):
    """POST username and password (and ``otp`` once two-factor sign-in is set up): a new token,
    valid until ``expires``. Wrong credentials: 400, no hint which part was wrong; every failure,
    a missing or wrong code included, counts toward the lockout."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponse})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The DRF request, as DRF's own token view passes it: axes counts the failure and a
        # locked-out user gets the same 400 as a wrong password.
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": [WRONG_CREDENTIALS]})
        mfa = selectors.mfa_enabled(user)
        if mfa:
            code = data.get("otp") or ""
            if not code or services.mfa_match(user=user, code=code) is None:
                count_failed_sign_in(request, user.get_username())
                raise ValidationError(
                    {"otp": ["Two-factor sign-in is on: send the current code of your authenticator app."]}
                    if not code
                    else {"otp": [services.CODE_WRONG_MESSAGE]}
                )
        token, expires = services.token_sign_in(user=user, mfa=mfa)
        # Axes resets the failure count and Django records last_login, as on the sign-in page.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token, "expires": expires})


class LogoutView(APIView):
    """The token (or session) used for this request stops working at once."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        if isinstance(request.auth, AuthToken):
            services.token_sign_out(actor=request.user, token=request.auth)
        else:
            services.session_sign_out_record(user=request.user)
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class TotpEnrolView(APIView):
    """Start setting up an authenticator app: its secret and otpauth:// URI (for a QR code)."""

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "TotpEnrolment", {"secret": serializers.CharField(), "otpauth_uri": serializers.CharField()}
            )
        },
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        device = services.mfa_totp_begin(actor=request.user)  # refusals: 400 (api_common)
        return Response(
            {"secret": selectors.totp_secret(device), "otpauth_uri": device.config_url},
            status=status.HTTP_201_CREATED,
        )


class TotpConfirmView(APIView):
    """Confirm the app with a code it shows: sign-in needs a code from now on. The answer holds
    the recovery codes (each works once in place of a code), shown this once only."""

    serializer_class = CodeSerializer

    @extend_schema(
        request=CodeSerializer,
        responses={200: inline_serializer("TotpConfirmed", {"recovery_codes": serializers.ListField()})},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = services.mfa_totp_confirm(actor=request.user, code=serializer.validated_data["code"])
        return Response({"recovery_codes": codes})
