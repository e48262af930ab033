"""datetime ↔ google.protobuf.Timestamp, in UTC; None stands for an unset field both ways."""
from __future__ import annotations

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp


def to_timestamp(value: dt.datetime | None) -> Timestamp | None:
    if value is None:
        return None
    out = Timestamp()
    out.FromDatetime(value)
    return out


def to_datetime(value: Timestamp | None) -> dt.datetime | None:
    if value is None or (value.seconds == 0 and value.nanos == 0):
        return None
    return value.ToDatetime(dt.timezone.utc)
