"""Two-factor authentication (TOTP through django-otp, recovery codes as a static device)."""

import base64

import segno
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# The two-factor state of the session, computed once per login (pvd.dossiers.middleware):
SESSION_KEY = "pvd_double_facteur"
OK = "ok"  # nothing asked: no device and no obligation, or already verified
VERIFY = "verifier"  # a confirmed device: the code is asked before anything else
SETUP = "configurer"  # compulsory for this account and no device yet

DEVICE_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
RECOVERY_CODES = 10


# Who must use it is ANCT's policy over roles that a higher app knows (pvd.dossiers registers
# its rule when it starts): comptes only asks.
_required_rules = []


def register_required_rule(rule) -> None:
    """`rule(user) -> bool`: whether two-factor authentication is compulsory for this account."""
    if rule not in _required_rules:
        _required_rules.append(rule)


def required_for(user) -> bool:
    return any(rule(user) for rule in _required_rules)


def login_state(user) -> str:
    """What the session of a fresh login must do before anything else."""
    if has_device(user):
        return VERIFY
    if required_for(user):
        return SETUP
    return OK


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending_totp(user) -> TOTPDevice:
    """The TOTP device being set up (unconfirmed), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The QR code of the device's otpauth:// address, as inline SVG (no script, no style)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#161616", light="#ffffff", title="Code QR à scanner", svgclass="pvd-qr"
    )


def secret_text(device: TOTPDevice) -> str:
    """The secret in base 32, by groups of four, for a manual entry."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_device(user, code: str):
    """The confirmed device (TOTP, or a recovery code, used up) that accepts this code, or None."""
    code = "".join((code or "").split())
    if not code:
        return None
    return match_token(user, code)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def remove_all(user, keep: TOTPDevice | None = None) -> None:
    """Deletes the user's devices (all but `keep`, the one being confirmed)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=keep.pk if keep else None).delete()
    StaticDevice.objects.filter(user=user).delete()
