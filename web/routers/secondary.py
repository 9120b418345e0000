"""Secondary claims: bill the patient's secondary payer after the primary's 835 (page action and its
JSON twin, both fed by ``assistant.remit.secondary.create_secondary_claim``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from assistant.remit.secondary import SecondaryClaimOut, create_secondary_claim
from assistant.security.schemas import Principal
from web.deps import ContainerDep, FormDep, ReferenceDep, SessionDep
from web.security_deps import require

router = APIRouter(tags=["secondary claims"])
Creator = Annotated[
    Principal, require("claims:write", "remits:read", "phi:write", record="claim", id_param="claim_id")
]


@router.post("/api/claims/{claim_id}/secondary", status_code=201)
def create_api(
    claim_id: str,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Creator,
) -> SecondaryClaimOut:
    """Create (once) the secondary claim of a claim the primary payer has adjudicated."""
    return create_secondary_claim(
        session, claim_id, actor=principal.username, reference=reference, settings=container.settings
    )


@router.post("/claims/{claim_id}/secondary")
def create_page(
    claim_id: str,
    session: SessionDep,
    reference: ReferenceDep,
    container: ContainerDep,
    principal: Creator,
    form: FormDep,
) -> Response:
    """Create the secondary claim, then go back to the remittance it was asked from (or to the claim)."""
    out = create_secondary_claim(
        session, claim_id, actor=principal.username, reference=reference, settings=container.settings
    )
    session.commit()
    back = str(form.get("back") or "")
    if back.startswith("/remits/") and back[len("/remits/") :].isdigit():
        state = "created" if out.created else "exists"
        return RedirectResponse(f"{back}?secondary={quote(out.claim_id)}&state={state}", status_code=303)
    return RedirectResponse(f"/claims/{quote(out.claim_id)}", status_code=303)
