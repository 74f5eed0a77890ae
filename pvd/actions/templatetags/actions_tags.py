from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def kilo_euros(value) -> str:
    """An amount in thousands of euros for a narrow column: "15 485", "8,5" under 10 k€, "—" if unknown."""
    if value is None or value == "":
        return "—"
    thousands = Decimal(value) / 1000
    return floatformat(thousands, "1g" if abs(thousands) < 10 else "0g")


@register.filter
def montant(value) -> str:
    """An amount in euros without ",00" when whole ("1 234"), with its cents otherwise ("1 234,50")."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    return floatformat(amount, "0g" if amount == amount.to_integral_value() else "2g")
