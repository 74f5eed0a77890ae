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
