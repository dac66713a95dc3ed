"""1C's counterparties (Контрагенты) to clients and contacts, through the duplicate control.

A counterparty is kept on one client by its Ид (per integration, ``onec_counterparties``): a
re-exchange finds that client again, and a record equal to the one last applied (its
fingerprint) is unchanged and writes nothing. A counterparty seen for the first time is matched
the way the clients context matches (``find_duplicates``), strongest proof first:

1. tax id: ИНН (or ЄДРПОУ). The КПП tells a company's branches apart: among the clients with
   the ИНН, the one with the same КПП, else the one without a КПП; when every one of them has
   another КПП, the counterparty is another branch and becomes a client of its own;
2. phone, then e-mail, of any contact of a client (a client whose ИНН differs is not a match).

One candidate: the counterparty is linked to it and fills what it says (legal name, tax ids,
phones and e-mails the client lacks). Several: nothing is chosen or created; the counterparty
is flagged on the exchange log with the candidates' ids, and the next exchange tries again.
None: a new client, through the clients' own use case (events, audit, relationship rules),
with source channel "1c", for the integration's responsible (else the first active
administrator), and the contact person with the phones and e-mails as its contact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.auth.principal import Principal
from domain.clients.commands import (
    CreateClient,
    NewContact,
    PhoneInput,
    UpdateClient,
    UpdateContact,
)
from domain.clients.duplicates import (
    DuplicateHit,
    DuplicateProbe,
    DuplicateReason,
    identity_keys,
)
from domain.clients.legal import validate_edrpou, validate_inn, validate_kpp
from domain.clients.model import (
    CLIENT_NAME_MAX,
    Client,
    ClientKind,
    contact_name_key,
    normalise_email,
)
from domain.clients.services.clients import ClientService
from domain.clients.services.contacts import ContactService
from domain.clients.services.loading import phone_region_for
from domain.onec.model import (
    CounterpartyCounts,
    CounterpartyFlag,
    CounterpartyLink,
    CounterpartyRecord,
    OnecIntegration,
)
from domain.platform.ports import UnitOfWork
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.ids import new_id
from domain.shared.phone import normalise_phone

SOURCE_CHANNEL = "1c"
# Bitrix-style Ид of a site's buyer: "<id>#<login>#<name>".
_SITE_BUYER = re.compile(r"^\d+#(?P<login>[^#]*)#\s*(?P<name>.*)$")
# A merged client points to its survivor; a chain longer than this is not followed.
_MERGE_HOPS = 10


def system_principal(organisation_id: UUID) -> Principal:
    """The exchange acting for the organisation (the audit log's "system")."""
    return Principal(
        organisation_id=organisation_id, user_id=None, permissions=frozenset(), is_admin=True
    )


@dataclass(slots=True)
class _Values:
    """A counterparty's values as a client stores them."""

    name: str
    legal_name: str | None
    kind: ClientKind
    inn: str | None
    kpp: str | None
    edrpou: str | None
    phones: list[str] = field(default_factory=list)  # E.164
    emails: list[str] = field(default_factory=list)
    contact_name: str | None = None


def _keys(values: _Values) -> list[str]:
    return identity_keys(
        phones=values.phones, emails=values.emails, inn=values.inn, edrpou=values.edrpou
    )


class _Flagged(Exception):
    def __init__(self, reason: str, candidates: Sequence[UUID]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.candidates = tuple(dict.fromkeys(candidates))


class CounterpartyImport:
    """Applies a slice of counterparties in the caller's transaction."""

    def __init__(self, uow: UnitOfWork, clock: Clock, integration: OnecIntegration) -> None:
        self._uow = uow
        self._clock = clock
        self._integration = integration
        self._org = integration.organisation_id
        self._principal = system_principal(self._org)
        self._errors: list[str] = []
        # The slice's new counterparties: their matches among the existing clients, and the
        # clients to create (with their identity keys), created together at the end.
        self._hits: dict[str, list[DuplicateHit]] = {}
        self._pending: list[tuple[str, str, _Values]] = []
        self._pending_keys: set[str] = set()
        # The identity keys of the clients the slice has created so far: a counterparty that
        # shares one is matched in the database (the hits found beforehand predate them).
        self._created_keys: set[str] = set()
        self._failed = 0

    async def apply(self, records: Sequence[CounterpartyRecord]) -> CounterpartyCounts:
        uow = self._uow
        # A counterparty repeated in a slice (one buyer, several orders) is applied once.
        unique = {r.external_id: r for r in records}
        # Two sessions of one integration with the same new counterparty take turns, so the
        # second finds the first's link instead of making a second client.
        await uow.clients.lock_identities(
            self._org, sorted(f"onec:{self._integration.id}:{e}" for e in unique)
        )
        links = await uow.onec.counterparty_links(self._org, self._integration.id, list(unique))
        region = await phone_region_for(uow, self._principal, None)
        created = updated = unchanged = 0
        flagged: list[CounterpartyFlag] = []
        now = self._clock.now()
        # The counterparties without a link, matched against the existing clients at once.
        fresh = {
            external_id: self._values(record, region)
            for external_id, record in unique.items()
            if external_id not in links
        }
        await self._prepare(fresh)
        for external_id, record in unique.items():
            fingerprint = record.fingerprint()
            link = links.get(external_id)
            linked = await self._linked_client(link)
            if linked is not None and link is not None and link.fingerprint == fingerprint:
                if linked.id != link.client_id:
                    # Merged into another client since: keep the survivor.
                    await self._link(external_id, linked.id, fingerprint, now)
                unchanged += 1
                continue
            values = fresh.get(external_id) or self._values(record, region)
            try:
                if linked is None:
                    client_id = await self._match(values, external_id)
                else:
                    client_id = linked.id
                if client_id is None:
                    self._pending.append((external_id, fingerprint, values))
                    self._pending_keys.update(_keys(values))
                    created += 1
                    continue
                else:
                    changed = await self._update(client_id, values)
                    if changed or linked is None or linked.id != client_id:
                        updated += 1
                    else:
                        unchanged += 1
            except _Flagged as flag:
                flagged.append(
                    CounterpartyFlag(
                        external_id=external_id,
                        name=values.name,
                        reason=flag.reason,
                        candidates=flag.candidates,
                    )
                )
                continue
            except DomainError as exc:
                # Checked before anything of the record is written (custom fields required
                # of every client, nobody to take it): the record is left, the rest goes on.
                self._errors.append(f"counterparty {external_id}: {str(exc) or exc.title}")
                continue
            await self._link(external_id, client_id, fingerprint, now)
        await self._create_pending(now)
        created -= self._failed
        return CounterpartyCounts(
            created=created,
            updated=updated,
            unchanged=unchanged,
            flagged=tuple(flagged),
            errors=tuple(self._errors),
        )

    async def _prepare(self, fresh: dict[str, _Values]) -> None:
        """Takes the identity locks of the new counterparties and finds their tax ids, phones
        and e-mails among the clients, in a statement per kind of value."""
        self._pending, self._pending_keys, self._hits = [], set(), {}
        self._created_keys = set()
        if not fresh:
            return
        # Concurrent exchanges (and creates through the API) of one new tax id, phone or
        # e-mail take turns from here, so the second sees the first's client.
        await self._uow.clients.lock_identities(
            self._org, [key for values in fresh.values() for key in _keys(values)]
        )
        keys = list(fresh)
        hits = await self._uow.clients.find_duplicates_many(
            self._org,
            [
                DuplicateProbe(
                    key=index,
                    name_key=None,
                    phones=tuple(values.phones),
                    emails=tuple(values.emails),
                    inn=values.inn,
                    edrpou=values.edrpou,
                )
                for index, values in enumerate(fresh.values())
            ],
        )
        self._hits = {keys[index]: found for index, found in hits.items()}
        for external_id in keys:
            self._hits.setdefault(external_id, [])

    async def _create_pending(self, now: datetime) -> None:
        """Creates the new clients the slice decided on, together, and links them; one that
        is refused is left with its error (and not counted as created)."""
        pending, self._pending = self._pending, []
        self._created_keys |= self._pending_keys
        self._pending_keys = set()
        if not pending:
            return
        try:
            responsible = await self._responsible()
        except DomainError as exc:
            for external_id, _, _ in pending:
                self._errors.append(f"counterparty {external_id}: {str(exc) or exc.title}")
            self._failed += len(pending)
            return
        commands = [(new_id(), self._command(values, responsible)) for _, _, values in pending]
        made: list[UUID | None]
        try:
            await ClientService(self._uow, self._clock).create_many(self._principal, commands)
            made = [client_id for client_id, _ in commands]
        except DomainError:
            # One of them is refused (checked before anything is written): each on its own.
            made = []
            for (external_id, _, _), (_, command) in zip(pending, commands, strict=True):
                try:
                    view = await ClientService(self._uow, self._clock).create(
                        self._principal, command, confirm_duplicate=True
                    )
                    made.append(view.client.id)
                except DomainError as exc:
                    self._errors.append(f"counterparty {external_id}: {str(exc) or exc.title}")
                    made.append(None)
        links: dict[str, CounterpartyLink] = {}
        for (external_id, fingerprint, _), client_id in zip(pending, made, strict=True):
            if client_id is None:
                self._failed += 1
            else:
                links[external_id] = CounterpartyLink(client_id=client_id, fingerprint=fingerprint)
        await self._uow.onec.link_counterparties(self._org, self._integration.id, links, now=now)

    async def _link(
        self, external_id: str, client_id: UUID, fingerprint: str, now: datetime
    ) -> None:
        await self._uow.onec.link_counterparty(
            self._org,
            self._integration.id,
            external_id,
            CounterpartyLink(client_id=client_id, fingerprint=fingerprint),
            now=now,
        )

    async def _linked_client(self, link: CounterpartyLink | None) -> Client | None:
        """The client a link names, or the one it was merged into."""
        if link is None:
            return None
        client = await self._uow.clients.get_unscoped(self._org, link.client_id)
        for _ in range(_MERGE_HOPS):
            if client is None or client.merged_into_id is None:
                return client
            client = await self._uow.clients.get_unscoped(self._org, client.merged_into_id)
        return None

    # --- values -------------------------------------------------------------------------

    def _values(self, record: CounterpartyRecord, region: str) -> _Values:
        ident = record.external_id
        raw_inn, raw_edrpou = record.inn, record.edrpou
        if raw_inn and not raw_edrpou and len(raw_inn.replace(" ", "")) == 8:
            # Ukrainian 1C writes the ЄДРПОУ code in the ИНН field.
            raw_inn, raw_edrpou = None, raw_inn
        inn = self._checked(raw_inn, validate_inn, ident, "ИНН")
        edrpou = self._checked(raw_edrpou, validate_edrpou, ident, "ЕДРПОУ")
        kpp = self._checked(record.kpp, validate_kpp, ident, "КПП") if inn else None
        phones: list[str] = []
        for raw in record.phones:
            try:
                e164 = normalise_phone(raw, region=region)
            except InvalidInput:
                self._errors.append(f"counterparty {ident}: not a phone number: {raw[:40]}")
                continue
            if e164 not in phones:
                phones.append(e164)
        emails: list[str] = []
        for raw in record.emails:
            try:
                email = normalise_email(raw)
            except InvalidInput:
                self._errors.append(f"counterparty {ident}: not an e-mail: {raw[:60]}")
                continue
            if email not in emails:
                emails.append(email)
        site_buyer = _SITE_BUYER.match(ident)
        buyer_name = (
            (site_buyer.group("name") or site_buyer.group("login")).strip() or None
            if site_buyer
            else None
        )
        name = record.name or record.full_name or record.contact_name or buyer_name or f"1C {ident}"
        # A site's buyer without requisites, or a sole trader's 12-digit ИНН: a person.
        person = record.is_person or (
            (site_buyer is not None and inn is None and edrpou is None)
            or (inn is not None and len(inn) == 12 and kpp is None)
        )
        return _Values(
            name=name[:CLIENT_NAME_MAX],
            legal_name=record.full_name if record.full_name != name else None,
            kind=ClientKind.PERSON if person else ClientKind.COMPANY,
            inn=inn,
            kpp=kpp,
            edrpou=edrpou,
            phones=phones,
            emails=emails,
            contact_name=record.contact_name,
        )

    def _checked(self, value: str | None, check: object, ident: str, what: str) -> str | None:
        if not value:
            return None
        try:
            return check(value.replace(" ", ""))  # type: ignore[operator, no-any-return]
        except InvalidInput:
            self._errors.append(f"counterparty {ident}: {what} {value[:20]} is not valid, ignored")
            return None

    # --- matching -----------------------------------------------------------------------

    async def _match(self, values: _Values, external_id: str) -> UUID | None:
        hits = self._hits.get(external_id)
        keys = _keys(values)
        known = self._pending_keys.intersection(keys) or self._created_keys.intersection(keys)
        if hits is not None and not known:
            return await self._match_hits(values, hits)
        # A value of a client the slice is about to create: created first, so the database
        # finds it.
        await self._create_pending(self._clock.now())
        return await self._match_in_database(values)

    async def _match_hits(self, values: _Values, hits: Sequence[DuplicateHit]) -> UUID | None:
        """``_match_in_database`` over hits found beforehand for the whole slice."""
        taxed = [h for h in hits if h.reason in (DuplicateReason.INN, DuplicateReason.EDRPOU)]
        if taxed:
            found = await self._clients(h.id for h in taxed)
            if found:
                return self._by_tax_id(values, found)
        for reason in (DuplicateReason.PHONE, DuplicateReason.EMAIL):
            same = [h for h in hits if h.reason is reason]
            if not same:
                continue
            found = [
                c
                for c in await self._clients(h.id for h in same)
                if not (values.inn and c.inn and c.inn != values.inn)
                and not (values.edrpou and c.edrpou and c.edrpou != values.edrpou)
            ]
            if len(found) == 1:
                return found[0].id
            if found:
                raise _Flagged(f"several clients have this {reason.value}", [c.id for c in found])
        return None

    async def _match_in_database(self, values: _Values) -> UUID | None:
        uow = self._uow
        # Concurrent exchanges (and creates through the API) of one new tax id, phone or
        # e-mail take turns from here, so the second sees the first's client.
        await uow.clients.lock_identities(
            self._org,
            identity_keys(
                phones=values.phones, emails=values.emails, inn=values.inn, edrpou=values.edrpou
            ),
        )
        if values.inn or values.edrpou:
            hits = await uow.clients.find_duplicates(
                self._org,
                name_key=None,
                phones=(),
                emails=(),
                inn=values.inn,
                edrpou=values.edrpou,
                exclude_id=None,
            )
            found = await self._clients(h.id for h in hits)
            if found:
                return self._by_tax_id(values, found)
        for reason in (DuplicateReason.PHONE, DuplicateReason.EMAIL):
            wanted = values.phones if reason is DuplicateReason.PHONE else values.emails
            if not wanted:
                continue
            hits = await uow.clients.find_duplicates(
                self._org,
                name_key=None,
                phones=values.phones if reason is DuplicateReason.PHONE else (),
                emails=values.emails if reason is DuplicateReason.EMAIL else (),
                inn=None,
                edrpou=None,
                exclude_id=None,
            )
            # A client with another tax id is another company that shares a number.
            found = [
                c
                for c in await self._clients(h.id for h in hits)
                if not (values.inn and c.inn and c.inn != values.inn)
                and not (values.edrpou and c.edrpou and c.edrpou != values.edrpou)
            ]
            if len(found) == 1:
                return found[0].id
            if found:
                raise _Flagged(f"several clients have this {reason.value}", [c.id for c in found])
        return None

    def _by_tax_id(self, values: _Values, found: list[Client]) -> UUID | None:
        what = "ИНН" if values.inn else "ЕДРПОУ"
        if values.kpp:
            same = [c for c in found if c.kpp == values.kpp]
            if len(same) == 1:
                return same[0].id
            if same:
                raise _Flagged(f"several clients have this {what} and КПП", [c.id for c in same])
            open_ = [c for c in found if not c.kpp]
            if len(open_) == 1:
                return open_[0].id
            if open_:
                raise _Flagged(f"several clients have this {what}", [c.id for c in open_])
            # Every client of the ИНН has another КПП: this is another branch.
            return None
        if len(found) == 1:
            return found[0].id
        raise _Flagged(f"several clients have this {what}", [c.id for c in found])

    async def _clients(self, ids: object) -> list[Client]:
        found: list[Client] = []
        for client_id in dict.fromkeys(ids):  # type: ignore[call-overload]
            client = await self._uow.clients.get_unscoped(self._org, client_id)
            if client is not None and client.merged_into_id is None:
                found.append(client)
        return found

    # --- writing ------------------------------------------------------------------------

    async def _responsible(self) -> UUID:
        responsible = self._integration.responsible_id
        if responsible is not None:
            user = await self._uow.users.get(self._principal.organisation_scope, responsible)
            if user is None or not user.is_active:
                # Deactivated since it was chosen: the clients go to an administrator.
                responsible = None
        if responsible is None:
            responsible = await self._uow.distribution.first_active_admin(self._org)
        if responsible is None:
            raise InvalidInput("responsible_id", "the organisation has no active administrator")
        return responsible

    def _command(self, values: _Values, responsible: UUID) -> CreateClient:
        contacts: list[NewContact] = []
        if values.phones or values.emails or values.contact_name:
            contacts.append(
                NewContact(
                    full_name=values.contact_name or values.name,
                    phones=[PhoneInput(number=p, kind="work") for p in values.phones],
                    emails=values.emails,
                    is_primary=True,
                )
            )
        # Created without the duplicate check: the strong matches were weighed above, and a
        # similar name alone is no reason to leave a counterparty out.
        return CreateClient(
            name=values.name,
            kind=values.kind,
            legal_name=values.legal_name,
            inn=values.inn,
            kpp=values.kpp,
            edrpou=values.edrpou,
            source_channel=SOURCE_CHANNEL,
            responsible_id=responsible,
            contacts=contacts,
        )

    async def _update(self, client_id: UUID, values: _Values) -> bool:
        """Fills what the counterparty says and the client lacks or has otherwise (legal
        name, tax ids) and adds its phones and e-mails; whether anything changed."""
        uow = self._uow
        client = await uow.clients.get_unscoped(self._org, client_id)
        if client is None:
            return False
        changes: dict[str, object] = {}
        for name in ("legal_name", "inn", "kpp", "edrpou"):
            value = getattr(values, name)
            if value and getattr(client, name) != value:
                changes[name] = value
        changed = False
        if changes:
            await ClientService(uow, self._clock).update(
                self._principal,
                client_id,
                UpdateClient(**changes),  # type: ignore[arg-type]
                confirm_duplicate=True,
            )
            changed = True
        contacts = (await uow.contacts.list_for_clients(self._org, [client_id])).get(client_id, [])
        known_phones = {p.e164 for c in contacts for p in c.phones}
        known_emails = {e for c in contacts for e in c.emails}
        phones = [p for p in values.phones if p not in known_phones]
        emails = [e for e in values.emails if e not in known_emails]
        named = (
            next(
                (c for c in contacts if c.name_key == contact_name_key(values.contact_name)),
                None,
            )
            if values.contact_name
            else None
        )
        service = ContactService(uow, self._clock)
        if named is not None and (phones or emails):
            await service.update(
                self._principal,
                named.id,
                UpdateContact(
                    phones=[PhoneInput(number=p.e164, kind=p.kind.value) for p in named.phones]
                    + [PhoneInput(number=p, kind="work") for p in phones],
                    emails=[*named.emails, *emails],
                ),
                confirm_duplicate=True,
            )
            changed = True
        elif named is None and (phones or emails or (values.contact_name and not contacts)):
            await service.create(
                self._principal,
                client_id,
                NewContact(
                    full_name=values.contact_name or client.name,
                    phones=[PhoneInput(number=p, kind="work") for p in phones],
                    emails=emails,
                    is_primary=not contacts,
                ),
                confirm_duplicate=True,
            )
            changed = True
        return changed
