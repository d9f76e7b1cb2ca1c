"""Who signs: the person of the signed-in account, never a name taken from the request.

A stage sign-off, a dictionary approval and an evidence entry are recorded in the name of the acting
account's person. Only an actor without an account (the operator's CLI on the server, the demo loader)
may name the person, as the one who keyed in a paper record on that person's behalf.
"""

from __future__ import annotations

from catalog.actions.lookup import person_for_input
from catalog.context import Context
from catalog.errors import ValidationFailed
from catalog.models import Person
from catalog.permissions import helper
from schemas.governance_messages import problem


@helper
def acting_person(ctx: Context, named: str | None, field: str) -> Person:
    """The person an action is recorded for. ``named`` (an email or id from the input) is refused from an
    account unless it is the account's own person; an account with no person cannot sign at all."""
    actor = ctx.actor
    if actor.account_id is None and actor.sysadmin and named:
        return person_for_input(ctx, named, field)  # the operator on the server, keying in a paper record
    person = ctx.session.get(Person, actor.person_id) if actor.person_id else None
    if person is None:
        raise ValidationFailed([problem("no_person_for_account", field, value=actor.name)])
    if named and named.strip().lower() not in {person.email.lower(), person.id.lower()}:
        raise ValidationFailed([problem("signer_not_you", field, value=named, me=person.email)])
    return person
