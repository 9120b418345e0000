"""Request dependencies: the app's container and one database session (one commit) per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.core.container import Container
from assistant.core.db import busy_error


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


def get_session(container: ContainerDep) -> Iterator[Session]:
    session = container.sessions()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        busy = busy_error(exc)
        if busy is not None:
            raise busy from exc
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_reference(container: ContainerDep) -> Any:
    return container.reference


ReferenceDep = Annotated[Any, Depends(get_reference)]
