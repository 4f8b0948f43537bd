package dev.usermq.logic;

/** What processing a message came to. */
public enum Outcome {
  /** The message changed data; recorded in the ledger. */
  APPLIED,
  /** The message was refused by a business rule; recorded in the ledger. */
  REJECTED,
  /** Nothing needed doing; recorded in the ledger. */
  NOOP,
  /** The ledger already holds the message: it was processed before and is not applied again. */
  DUPLICATE
}
