"""``{% load funds_money %}``: ``{{ amount|yuan }}`` shows whole fen as ¥1,234.50."""

from __future__ import annotations

from django import template

from funds.money import format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return format_yuan(fen)


@register.filter
def debit(amount: int) -> str:
    return format_yuan(amount) if amount > 0 else ""


@register.filter
def credit(amount: int) -> str:
    return format_yuan(-amount) if amount < 0 else ""
