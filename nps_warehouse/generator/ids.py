"""Ids shared between sources, so that a response names the interaction and the invitation that
the interactions and invitations sources write, and a later batch names the same ones.

A response number ``r`` (the ``R`` id of a response, reused by its resubmissions) owns
``SLOTS`` interaction numbers and ``SLOTS`` invitation numbers, ``SLOTS * r + j``:

* interactions: ``j = 0`` the contact-centre interaction the response is about, ``j = 1 ..
  SLOTS - 1`` interactions of the same hour nobody was surveyed about;
* invitations: ``j = 0`` the invitation the response answers, ``j = 1 .. SLOTS - 2`` invitations
  of the same hour nobody answered, ``j = SLOTS - 1`` never sent: a response naming it names an
  unknown invitation (a messy case).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .text import prefixed_numbers, prefixed_numbers_where

SLOTS = 8
UNKNOWN_INVITATION_SLOT = SLOTS - 1

RESPONSE_PREFIX = "R"
CUSTOMER_PREFIX = "C"
CUSTOMER_WIDTH = 8
AGENT_PREFIX = "AG"
AGENT_WIDTH = 4
MANAGER_PREFIX = "MG"
MANAGER_WIDTH = 3
INTERACTION_PREFIX = "IX"
INVITATION_PREFIX = "IV"


def contact_width(max_response_number: int) -> int:
    """Digits of the interaction and invitation ids of a batch whose numbers go up to this."""
    return max(10, len(str(SLOTS * max_response_number + SLOTS - 1)))


def contact_numbers(response_numbers: np.ndarray, j: np.ndarray | int) -> np.ndarray:
    """Interaction or invitation numbers of response numbers (j as in the module's docstring)."""
    return SLOTS * np.asarray(response_numbers, dtype=np.int64) + j


def interaction_ids(numbers: np.ndarray, width: int, mask: np.ndarray | None = None) -> pa.StringArray:
    """IX ids of interaction numbers (empty where mask is false)."""
    if mask is None:
        return prefixed_numbers(INTERACTION_PREFIX, numbers, width)
    return prefixed_numbers_where(INTERACTION_PREFIX, numbers, mask, width)


def invitation_ids(numbers: np.ndarray, width: int, mask: np.ndarray | None = None) -> pa.StringArray:
    """IV ids of invitation numbers (empty where mask is false)."""
    if mask is None:
        return prefixed_numbers(INVITATION_PREFIX, numbers, width)
    return prefixed_numbers_where(INVITATION_PREFIX, numbers, mask, width)


def customer_ids(customers: np.ndarray) -> pa.StringArray:
    return prefixed_numbers(CUSTOMER_PREFIX, customers, CUSTOMER_WIDTH)


def agent_ids(agents: np.ndarray, mask: np.ndarray | None = None) -> pa.StringArray:
    """AG ids of agent numbers (empty where mask is false)."""
    if mask is None:
        return prefixed_numbers(AGENT_PREFIX, agents, AGENT_WIDTH)
    return prefixed_numbers_where(AGENT_PREFIX, agents, mask, AGENT_WIDTH)


def manager_ids(managers: np.ndarray) -> pa.StringArray:
    return prefixed_numbers(MANAGER_PREFIX, managers, MANAGER_WIDTH)
