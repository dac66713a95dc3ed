"""A byte range a client asks for (RFC 9110 §14): one span of a stored file, so a player can
seek in a recording without fetching all of it first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.shared.errors import DomainError

# "bytes=0-499", "bytes=500-", "bytes=-500" (the last 500); at most 18 digits, so a hostile
# number never becomes a huge int. Several spans ("0-1,5-9") are not served: the whole file is.
_SPEC = re.compile(r"^\s*bytes\s*=\s*(\d{0,18})\s*-\s*(\d{0,18})\s*$", re.IGNORECASE)


class RangeNotSatisfiable(DomainError):
    """The span asked for lies past the end of the file (answered 416 with its size)."""

    title = "Range not satisfiable"

    def __init__(self, size: int) -> None:
        super().__init__(f"the requested range is outside the file's {size} bytes")
        self.size = size


@dataclass(frozen=True, slots=True)
class ByteRange:
    """``first``–``last`` inclusive; ``first`` None is a suffix of ``last`` bytes; ``last``
    None runs to the end."""

    first: int | None
    last: int | None

    @classmethod
    def parse(cls, header: str | None) -> ByteRange | None:
        """The span of a Range header, or None when there is none or it is not one span of
        bytes (then the whole file is sent, as RFC 9110 allows)."""
        if not header or len(header) > 100:
            return None
        match = _SPEC.match(header)
        if match is None or not (match[1] or match[2]):
            return None
        first = int(match[1]) if match[1] else None
        last = int(match[2]) if match[2] else None
        if first is not None and last is not None and last < first:
            return None
        return cls(first, last)

    def within(self, size: int) -> tuple[int, int]:
        """(start, length) of the span in a file of ``size`` bytes; raises
        RangeNotSatisfiable when none of it is there."""
        if self.first is None:
            length = min(self.last or 0, size)
            if length <= 0:
                raise RangeNotSatisfiable(size)
            return size - length, length
        if self.first >= size:
            raise RangeNotSatisfiable(size)
        last = size - 1 if self.last is None else min(self.last, size - 1)
        return self.first, last - self.first + 1
