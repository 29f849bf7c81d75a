"""The record kinds' public functions under their names from before the split (compatibility).

Each kind now lives in its own module under `courier/kinds/` (see `courier.registry`); new code
imports from there. Nothing in `courier` imports this module.
"""

from __future__ import annotations

from liaison.courier.keyring import key_cutoff, key_row
from liaison.courier.kinds.acks import last_acked, make_ack, receive_ack
from liaison.courier.kinds.key_events import (
    apply_key_records,
    own_key_records,
    revoke_own,
    rotate_own,
)
from liaison.courier.kinds.outcomes import countersign, list_outcomes, outcome, sign_outcome
from liaison.courier.kinds.reports import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_PER_REPORT,
    REPORT_BODY_MAX_CHARS,
    Attachment,
    add_report,
    attachment_content,
    attachment_limit,
    list_reports,
)
from liaison.courier.kinds.retractions import retract

__all__ = [
    "ATTACHMENTS_PER_REPORT",
    "ATTACHMENT_MAX_BYTES",
    "REPORT_BODY_MAX_CHARS",
    "Attachment",
    "add_report",
    "apply_key_records",
    "attachment_content",
    "attachment_limit",
    "countersign",
    "key_cutoff",
    "key_row",
    "last_acked",
    "list_outcomes",
    "list_reports",
    "make_ack",
    "outcome",
    "own_key_records",
    "receive_ack",
    "retract",
    "revoke_own",
    "rotate_own",
    "sign_outcome",
]
