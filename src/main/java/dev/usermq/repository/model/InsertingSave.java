package dev.usermq.repository.model;

import java.util.List;

/**
 * The {@code save} of the table models that a message's transaction writes through ({@link
 * UserModel}, {@link UserThirdAuthModel}, {@link AuthzCommandModel}, {@link OutboxModel}): a new
 * row (no id yet) is one INSERT whose SQL is written out once, instead of Spring Data JDBC's
 * aggregate save, which renders the statement and maps the entity again on every call. A row with
 * an id is saved by Spring Data JDBC as before (an UPDATE of every column).
 *
 * <p>Either way the statement goes through the service's {@code JdbcTemplate}: it joins the
 * caller's transaction and takes a caller's deadline ({@link
 * dev.usermq.repository.StatementDeadline}) as its query timeout. In a transaction that holds its
 * inserts ({@link HeldInserts}), new outbox and authz_command rows wait and go in one batch.
 *
 * @param <T> the row type of the model
 */
public interface InsertingSave<T> {

  /**
   * Saves the row. A new row is returned with its generated id and otherwise as it was given: the
   * columns the database fills in ({@code created_at}, {@code updated_at}) stay null, as Spring
   * Data JDBC leaves them.
   */
  <S extends T> S save(S row);

  /**
   * Saves the rows, returned in the order given as {@link #save} returns each. New users and new
   * bindings go in one JDBC batch a table, their generated ids read back in order; any other row is
   * saved by {@link #save}.
   */
  <S extends T> List<S> saveAll(Iterable<S> rows);
}
