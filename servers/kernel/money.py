"""Money in integer minor units. Arithmetic refuses to mix currencies; nothing is a float."""
from __future__ import annotations

from dataclasses import dataclass


class CurrencyMismatch(ValueError):
    """Two amounts of different currencies met in one operation."""


@dataclass(frozen=True, slots=True)
class Money:
    currency_code: str
    amount_minor: int

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int:  # bool and float are refused alike
            raise TypeError(f"amount_minor must be int, got {type(self.amount_minor).__name__}")
        if len(self.currency_code) != 3 or not self.currency_code.isupper():
            raise ValueError(f"bad currency code {self.currency_code!r}")

    def _same(self, other: "Money") -> None:
        if other.currency_code != self.currency_code:
            raise CurrencyMismatch(f"{self.currency_code} vs {other.currency_code}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.currency_code, self.amount_minor + other.amount_minor)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.currency_code, self.amount_minor - other.amount_minor)

    def __neg__(self) -> "Money":
        return Money(self.currency_code, -self.amount_minor)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    @property
    def is_positive(self) -> bool:
        return self.amount_minor > 0

    @classmethod
    def zero(cls, currency_code: str) -> "Money":
        return cls(currency_code, 0)

    @classmethod
    def from_proto(cls, msg) -> "Money":  # paymesh.common.v1.Money
        return cls(msg.currency_code, int(msg.amount_minor))

    def to_proto(self):
        from paymesh.common.v1 import money_pb2

        return money_pb2.Money(currency_code=self.currency_code, amount_minor=self.amount_minor)

    def __str__(self) -> str:
        return f"{self.amount_minor} {self.currency_code} (minor units)"
