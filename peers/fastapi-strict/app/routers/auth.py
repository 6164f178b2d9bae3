from typing import Optional

from fastapi import APIRouter, Depends, Header, Query

from ..dependencies import auth_service
from ..domain.errors import Unauthenticated
from ..services.auth import AuthService

router = APIRouter()


async def bearer(authorization: Optional[str] = Header(default=None)) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("missing bearer token")
    return token.strip()


async def session_token(authorization: Optional[str] = Header(default=None),
                  x_session_token: Optional[str] = Header(default=None)) -> str:
    return x_session_token or await bearer(authorization)


@router.get("/auth/public")
async def public():
    return AuthService.public()


@router.post("/auth/login/jwt")
async def login_jwt(user_id: int = Query(...), service: AuthService = Depends(auth_service)):
    return await service.issue_jwt(user_id)


@router.get("/auth/protected/jwt")
async def protected_jwt(token: str = Depends(bearer), service: AuthService = Depends(auth_service)):
    return await service.verify_jwt(token)


@router.post("/auth/login/session")
async def login_session(user_id: int = Query(...), service: AuthService = Depends(auth_service)):
    return await service.open_session(user_id)


@router.get("/auth/protected/session")
async def protected_session(token: str = Depends(session_token),
                            service: AuthService = Depends(auth_service)):
    return await service.verify_session(token)
