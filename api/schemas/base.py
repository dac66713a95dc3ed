from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Base of every request and response body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)
