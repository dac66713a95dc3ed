"""The catalogue of permissions a role can hold, and the built-in roles.

A role is an editable permission set plus, per record resource, how far its holders see
(own / team / all). Admins edit roles; the built-in ones are a starting point.
"""

from __future__ import annotations

import enum

from domain.shared.scope import Visibility


class Permission(enum.StrEnum):
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    ROLES_MANAGE = "roles:manage"
    DEPARTMENTS_MANAGE = "departments:manage"
    ABSENCES_MANAGE = "absences:manage"
    SCHEDULES_MANAGE = "schedules:manage"
    API_KEYS_MANAGE = "api_keys:manage"
    ORGANISATION_MANAGE = "organisation:manage"
    JOBS_READ_ALL = "jobs:read_all"
    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    DEALS_READ = "deals:read"
    DEALS_WRITE = "deals:write"
    # Issue, edit and cancel invoices and record payments on the deals one sees (reading them
    # is deals:read): a seller on their own deals, a head on their department's.
    INVOICES_WRITE = "invoices:write"
    TASKS_READ = "tasks:read"
    TASKS_WRITE = "tasks:write"
    # Comment on (attach files to) the clients and deals one sees, without changing them:
    # what a lawyer or an assistant does on a seller's deal.
    COMMENTS_WRITE = "comments:write"
    ATTACHMENTS_WRITE = "attachments:write"
    # Open a deal in a marketing stage (a lead) without the right to change deals afterwards.
    LEADS_CREATE = "leads:create"
    REPORTS_READ = "reports:read"
    # Work the lead inbox: see the unassigned and one's own leads, take, convert, mark as spam
    # (a head, who sees a team's deals, also assigns them).
    INTAKE_WRITE = "intake:write"
    # Set up lead intake (forms) and read the raw inbox with its dead letters.
    INTAKE_MANAGE = "intake:manage"
    AUDIT_READ = "audit:read"
    # Set plans (KPI targets) for the people and departments one sees; reading plan against
    # fact needs no permission (the deals scope applies).
    KPI_MANAGE = "kpi:manage"
    # Edit the karma rules (which recalculates every client) and adjust a client's karma by
    # hand with a reason; reading karma needs only seeing the client.
    KARMA_MANAGE = "karma:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    # Enter what sources and campaigns cost per month (marketing effectiveness); reading the
    # costs and the report needs reports:read or this.
    MARKETING_MANAGE = "marketing:manage"
    # Import clients, contacts and deals from spreadsheets (with clients:write or deals:write).
    IMPORTS_RUN = "imports:run"
    # Create, change, enable and disable automation rules and read their run log.
    AUTOMATION_MANAGE = "automation:manage"
    # Complaints (рекламации) of the owners one sees (Resource.COMPLAINTS): read them, and
    # record, edit, take in work, resolve or reject them.
    COMPLAINTS_READ = "complaints:read"
    COMPLAINTS_WRITE = "complaints:write"
    # Create call lists, fill them, assign telemarketers and follow their progress.
    CALL_LISTS_MANAGE = "call_lists:manage"
    # Work the call lists one is assigned to (next number, outcomes).
    CALL_LISTS_WORK = "call_lists:work"
    # Score and comment the calls of the people whose deals one sees (call review).
    CALLS_REVIEW = "calls:review"
    # Write call scripts, attach them to funnel stages and call lists, read their report.
    SCRIPTS_MANAGE = "scripts:manage"


class Resource(enum.StrEnum):
    """Record resources whose visibility is decided per role."""

    CLIENTS = "clients"
    DEALS = "deals"
    TASKS = "tasks"
    ACTIVITIES = "activities"
    COMPLAINTS = "complaints"


ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)

_READ_WORK = {
    Permission.USERS_READ,
    Permission.CLIENTS_READ,
    Permission.CLIENTS_WRITE,
    Permission.DEALS_READ,
    Permission.DEALS_WRITE,
    Permission.INVOICES_WRITE,
    Permission.TASKS_READ,
    Permission.TASKS_WRITE,
    Permission.COMMENTS_WRITE,
    Permission.ATTACHMENTS_WRITE,
    Permission.INTAKE_WRITE,
    Permission.COMPLAINTS_READ,
    Permission.COMPLAINTS_WRITE,
}


def _vis(level: Visibility) -> dict[Resource, Visibility]:
    return dict.fromkeys(Resource, level)


# code -> (Russian display name, permissions, visibility per resource)
BUILTIN_ROLES: dict[str, tuple[str, frozenset[Permission], dict[Resource, Visibility]]] = {
    "admin": ("Администратор", ALL_PERMISSIONS, _vis(Visibility.ALL)),
    "head_of_sales": (
        "Руководитель отдела продаж",
        frozenset(
            _READ_WORK
            | {
                Permission.ABSENCES_MANAGE,
                Permission.SCHEDULES_MANAGE,
                Permission.REPORTS_READ,
                Permission.AUDIT_READ,
                Permission.JOBS_READ_ALL,
                Permission.KPI_MANAGE,
                Permission.IMPORTS_RUN,
                Permission.CALL_LISTS_MANAGE,
                Permission.CALLS_REVIEW,
                Permission.AUTOMATION_MANAGE,
                Permission.SCRIPTS_MANAGE,
            }
        ),
        _vis(Visibility.TEAM),
    ),
    "seller": ("Продавец", frozenset(_READ_WORK), _vis(Visibility.OWN)),
    "telemarketer": (
        "Телемаркетолог",
        frozenset(_READ_WORK | {Permission.CALL_LISTS_WORK}),
        _vis(Visibility.OWN),
    ),
    "marketer": (
        "Маркетолог",
        frozenset(
            {
                Permission.USERS_READ,
                Permission.CLIENTS_READ,
                Permission.CLIENTS_WRITE,
                Permission.LEADS_CREATE,
                Permission.REPORTS_READ,
                Permission.MARKETING_MANAGE,
            }
        ),
        _vis(Visibility.ALL),
    ),
    "assistant": (
        "Ассистент",
        frozenset(_READ_WORK | {Permission.ABSENCES_MANAGE, Permission.SCHEDULES_MANAGE}),
        _vis(Visibility.TEAM),
    ),
    "lawyer": (
        "Юрист",
        frozenset(
            {
                Permission.USERS_READ,
                Permission.CLIENTS_READ,
                Permission.DEALS_READ,
                Permission.COMMENTS_WRITE,
                Permission.ATTACHMENTS_WRITE,
                Permission.COMPLAINTS_READ,
                # Their own tasks: what automation rules give "the lawyer".
                Permission.TASKS_READ,
                Permission.TASKS_WRITE,
            }
        ),
        {**_vis(Visibility.ALL), Resource.TASKS: Visibility.OWN},
    ),
    "account_manager": ("Аккаунт-менеджер", frozenset(_READ_WORK), _vis(Visibility.OWN)),
    "project_manager": (
        "Менеджер проектов",
        frozenset(_READ_WORK | {Permission.REPORTS_READ}),
        _vis(Visibility.TEAM),
    ),
}

ADMIN_ROLE_CODE = "admin"
