package dev.usermq.logic;

/**
 * One step of a generated sequence of auth messages, in the terms of the sequence rather than of
 * the database: message ids and accounts without the run's prefix, users by the order in which the
 * sequence created them. A step is turned into an {@code AuthMsg} only when it runs, so that a
 * shrunk sequence still makes sense and prints the way it reads.
 */
sealed interface Step {

  /** A REGISTER; a barred user is denied every permission by authz once created. */
  record Register(MsgId id, Account account, boolean barred) implements Step {
    @Override
    public String toString() {
      return "REGISTER " + id + " " + account + (barred ? " barred" : "");
    }
  }

  record Bind(MsgId id, UserRef user, Account account) implements Step {
    @Override
    public String toString() {
      return "BIND " + id + " " + user + " " + account;
    }
  }

  record Unbind(MsgId id, UserRef user, Account account) implements Step {
    @Override
    public String toString() {
      return "UNBIND " + id + " " + user + " " + account;
    }
  }

  record Deactivate(MsgId id, UserRef user) implements Step {
    @Override
    public String toString() {
      return "DEACTIVATE " + id + " " + user;
    }
  }

  /**
   * The same message again, as a redelivery brings it: the message of step {@code step} modulo the
   * number of messages sent so far (nothing when none was).
   */
  record Resend(int step) implements Step {
    @Override
    public String toString() {
      return "RESEND #" + step;
    }
  }

  /**
   * A message id: {@link #FRESH} for one no other step uses, else a name from a small pool whose
   * names differ only in case, so that repeats and near-repeats are common.
   */
  record MsgId(String name) {
    static final MsgId FRESH = new MsgId("fresh");

    @Override
    public String toString() {
      return name;
    }
  }

  /** A third-party account; platforms and open ids come from pools with case variants. */
  record Account(String platform, String openId) {
    @Override
    public String toString() {
      return platform + "/" + openId;
    }
  }

  /** The user a message names. */
  sealed interface UserRef {}

  /**
   * The user created by the sequence's {@code index}-th applied REGISTER, modulo their number; an
   * unknown user while there is none.
   */
  record Known(int index) implements UserRef {
    @Override
    public String toString() {
      return "user#" + index;
    }
  }

  /** A user id that no user has. */
  record Unknown(int index) implements UserRef {
    @Override
    public String toString() {
      return "unknown#" + index;
    }
  }
}
