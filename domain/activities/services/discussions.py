"""Discussion use cases: threaded comments on a client or deal, with mentions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from domain.activities.model import Comment
from domain.activities.services.subjects import require_any, resolve_subject, subject_scopes
from domain.auth.principal import Principal
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.concurrency import check_version
from domain.shared.errors import NOT_FOUND_CODE, InvalidInput, NotFound, PermissionDenied
from domain.staff.permissions import Permission
from domain.staff.services.colleagues import require_active_colleague


class DiscussionService:
    """Threaded comments on a client or deal. Mentions are written in the body as
    ``@[Full Name](user id)``; each mentioned user is told once per comment."""

    MAX_MENTIONS = 20

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def list(
        self,
        principal: Principal,
        *,
        client_id: UUID | None,
        deal_id: UUID | None,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
    ) -> Sequence[Comment]:
        require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        if client_id is None and deal_id is None:
            raise InvalidInput(("query", "client_id"), "give a client_id or a deal_id")
        async with self._uow as uow:
            await resolve_subject(uow, principal, client_id, deal_id)
            return await uow.comments.list(
                subject_scopes(principal),
                client_id=client_id,
                deal_id=deal_id,
                limit=limit,
                after=after,
            )

    async def get(self, principal: Principal, comment_id: UUID) -> Comment:
        require_any(principal, Permission.CLIENTS_READ, Permission.DEALS_READ)
        async with self._uow as uow:
            return await self._load(uow, principal, comment_id)

    async def create(
        self,
        principal: Principal,
        *,
        body: str,
        client_id: UUID | None = None,
        deal_id: UUID | None = None,
        parent_id: UUID | None = None,
    ) -> Comment:
        principal.require(Permission.COMMENTS_WRITE)
        async with self._uow as uow:
            if parent_id is not None:
                parent = await uow.comments.get(subject_scopes(principal), parent_id)
                if parent is None:
                    raise InvalidInput("parent_id", "no such comment", code=NOT_FOUND_CODE)
                if (client_id is not None and client_id != parent.client_id) or (
                    deal_id is not None and deal_id != parent.deal_id
                ):
                    raise InvalidInput("parent_id", "belongs to another client or deal")
                client_id, deal_id = parent.client_id, parent.deal_id
            client_id, deal_id = await resolve_subject(uow, principal, client_id, deal_id)
            comment = Comment(
                organisation_id=principal.organisation_id,
                client_id=client_id,
                deal_id=deal_id,
                parent_id=parent_id,
                body=body,
                author_id=principal.user_id,
            )
            await self._check_mentions(uow, principal, comment.mentions)
            comment.record_creation(at=self._clock.now())
            await uow.comments.add(comment)
            await uow.commit()
            return comment

    async def edit(
        self,
        principal: Principal,
        comment_id: UUID,
        *,
        body: str,
        expected_version: int | None = None,
    ) -> Comment:
        principal.require(Permission.COMMENTS_WRITE)
        async with self._uow as uow:
            comment = await self._load(uow, principal, comment_id)
            if comment.author_id != principal.user_id:
                raise PermissionDenied("Only the author edits a comment")
            version = comment.version if expected_version is None else expected_version
            comment.edit(body, self._clock.now())
            await self._check_mentions(uow, principal, comment.mentions)
            await uow.comments.update(comment, version)
            await uow.commit()
            return comment

    async def delete(
        self, principal: Principal, comment_id: UUID, *, expected_version: int | None = None
    ) -> None:
        principal.require(Permission.COMMENTS_WRITE)
        async with self._uow as uow:
            comment = await self._load(uow, principal, comment_id)
            if comment.author_id != principal.user_id and not principal.is_admin:
                raise PermissionDenied("Only the author deletes a comment")
            check_version("Comment", comment.version, expected_version)
            await uow.comments.delete(subject_scopes(principal), comment_id)
            await uow.commit()

    async def _check_mentions(
        self, uow: UnitOfWork, principal: Principal, mentions: Sequence[UUID]
    ) -> None:
        if len(mentions) > self.MAX_MENTIONS:
            raise InvalidInput("body", f"mentions at most {self.MAX_MENTIONS} people")
        for user_id in mentions:
            await require_active_colleague(
                uow,
                principal,
                user_id,
                "body",
                reason=f"mentions {user_id}, not an active user here",
            )

    @staticmethod
    async def _load(uow: UnitOfWork, principal: Principal, comment_id: UUID) -> Comment:
        comment = await uow.comments.get(subject_scopes(principal), comment_id)
        if comment is None:
            raise NotFound("Comment", comment_id)
        return comment
