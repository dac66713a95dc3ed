from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from api.deps import AttachmentServiceDep, CurrentPrincipal
from api.errors import problems
from api.export import content_disposition
from api.pagination import Cursor, Limit, decode_time_id_cursor, encode_cursor
from api.schemas.attachments import AttachmentPage, AttachmentRead
from api.schemas.base import Name

router = APIRouter(prefix="/attachments", tags=["attachments"])

_CHUNK = 64 * 1024


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


@router.post(
    "",
    response_model=AttachmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 403, 404, 413, 422),
)
async def upload_attachment(
    principal: CurrentPrincipal,
    service: AttachmentServiceDep,
    file: Annotated[UploadFile, File(description="The file; ATTACHMENT_MAX_BYTES at most")],
    document_type: Annotated[str, Form(max_length=64, description="A document type code")],
    client_id: Annotated[UUID | None, Form()] = None,
    deal_id: Annotated[UUID | None, Form(description="A deal's file is its client's too")] = None,
) -> AttachmentRead:
    """Attach a file to a client or a deal you may edit."""
    attachment = await service.upload(
        principal,
        client_id=client_id,
        deal_id=deal_id,
        document_type=document_type,
        filename=file.filename,
        content_type=file.content_type,
        content=_chunks(file),
    )
    return AttachmentRead.model_validate(attachment)


@router.get("", response_model=AttachmentPage, responses=problems(401, 403, 404, 422))
async def list_attachments(
    principal: CurrentPrincipal,
    service: AttachmentServiceDep,
    client_id: Annotated[
        UUID | None, Query(description="A client's files, its deals' files included")
    ] = None,
    deal_id: UUID | None = None,
    document_type: Annotated[Name | None, Query(max_length=64)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AttachmentPage:
    """Files of one client or deal, newest first."""
    found = await service.list(
        principal,
        client_id=client_id,
        deal_id=deal_id,
        document_type=document_type,
        limit=limit + 1,
        after=decode_time_id_cursor(cursor),
    )
    last = found[limit - 1] if len(found) > limit else None
    return AttachmentPage(
        items=[AttachmentRead.model_validate(a) for a in found[:limit]],
        next_cursor=encode_cursor(last.created_at, last.id) if last else None,
    )


@router.get("/{attachment_id}", response_model=AttachmentRead, responses=problems(401, 404))
async def get_attachment(
    attachment_id: UUID, principal: CurrentPrincipal, service: AttachmentServiceDep
) -> AttachmentRead:
    attachment = await service.get(principal, attachment_id)
    return AttachmentRead.model_validate(attachment)


@router.get(
    "/{attachment_id}/content",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The file", "content": {"application/octet-stream": {}}},
        **problems(401, 404),
    },
)
async def download_attachment(
    attachment_id: UUID, principal: CurrentPrincipal, service: AttachmentServiceDep
) -> StreamingResponse:
    """The file itself, always as a download (never rendered inline)."""
    attachment, content = await service.open(principal, attachment_id)
    return StreamingResponse(
        content,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size),
            "ETag": f'"{attachment.sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-cache",
        },
    )


@router.delete(
    "/{attachment_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401, 403, 404)
)
async def delete_attachment(
    attachment_id: UUID, principal: CurrentPrincipal, service: AttachmentServiceDep
) -> None:
    await service.delete(principal, attachment_id)
