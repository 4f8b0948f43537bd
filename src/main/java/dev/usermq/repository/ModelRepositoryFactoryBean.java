package dev.usermq.repository;

import java.io.Serializable;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactoryBean;
import org.springframework.data.repository.Repository;

/**
 * Spring Data JDBC's repositories, the table models, without its default transactions: a model's
 * method runs in the caller's transaction if there is one, and otherwise as a single statement in
 * auto-commit (see {@link RepositoryConfiguration}).
 */
public class ModelRepositoryFactoryBean<T extends Repository<S, ID>, S, ID extends Serializable>
    extends JdbcRepositoryFactoryBean<T, S, ID> {

  public ModelRepositoryFactoryBean(Class<? extends T> repositoryInterface) {
    super(repositoryInterface);
    // read when the bean factory is set, which comes after the constructor
    setEnableDefaultTransactions(false);
  }
}
