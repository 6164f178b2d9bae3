"""Request bodies (pydantic), validated by the routers before any service runs."""
from typing import Any, Dict, Optional

from pydantic import BaseModel, StrictStr, constr, validator


def _one_at(email: Optional[str]) -> Optional[str]:
    if email is not None:
        local, at, domain = email.partition("@")
        if not at or not local or not domain or "@" in domain:
            raise ValueError("an address with one '@' is required")
    return email


Name = constr(strict=True, min_length=1, max_length=100)
Email = constr(strict=True, min_length=3, max_length=255)


class EchoRequest(BaseModel):
    message: StrictStr
    data: Optional[Dict[str, Any]] = None


class UserCreate(BaseModel):
    name: Name
    email: Email
    _email_shape = validator("email", allow_reuse=True)(_one_at)


class UserUpdate(BaseModel):
    name: Optional[Name] = None
    email: Optional[Email] = None
    _email_shape = validator("email", allow_reuse=True)(_one_at)


class FlowLogin(BaseModel):
    email: constr(strict=True, min_length=1, max_length=255)
    password: constr(strict=True, min_length=1, max_length=72)


class FlowPost(BaseModel):
    title: constr(strict=True, min_length=1, max_length=200)
    body: constr(strict=True, min_length=1, max_length=10000)
