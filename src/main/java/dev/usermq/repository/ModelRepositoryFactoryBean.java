package dev.usermq.repository;

import java.io.Serializable;
import org.springframework.aop.Advisor;
import org.springframework.dao.support.PersistenceExceptionTranslationInterceptor;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactoryBean;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * Spring Data JDBC's repositories, the table models, without its default transactions: a model's
 * method runs in the caller's transaction if there is one, and otherwise as a single statement in
 * auto-commit (see {@link RepositoryConfiguration}).
 *
 * <p>Their proxies carry neither of the two interceptors Spring Data puts around every call: the
 * transaction interceptor, which opened the default transactions and otherwise could only act on a
 * model method annotated {@code @Transactional} (none is; the models are plain statements), yet
 * looked up the method's attribute and bound its transaction info at every call; and the exception
 * translation, for stores whose exceptions are not Spring's: every model statement goes through a
 * {@code JdbcTemplate}, which already throws Spring's {@code DataAccessException}s. Together they
 * were about a sixth of what a model call spent in Spring Data's proxy, per statement.
 *
 * <p>In their place, first in the chain, {@link FragmentCalls} calls a method of the model's own
 * fragments (its written-out statements) on their implementation at once.
 */
public class ModelRepositoryFactoryBean<T extends Repository<S, ID>, S, ID extends Serializable>
    extends JdbcRepositoryFactoryBean<T, S, ID> {

  private RepositoryFragments fragments = RepositoryFragments.empty();

  public ModelRepositoryFactoryBean(Class<? extends T> repositoryInterface) {
    super(repositoryInterface);
    // the factory's own post-processors (transactions, exception translation) add their advice
    // first; this one, added by a customizer, runs after them and takes it off again: with the
    // transaction interceptor gone, no default transaction is left either, so Spring Data's
    // setting for those (enableDefaultTransactions) would have nothing to act on
    addRepositoryFactoryCustomizer(
        factory ->
            factory.addRepositoryProxyPostProcessor(
                (proxy, information) -> {
                  for (Advisor advisor : proxy.getAdvisors()) {
                    if (advisor.getAdvice() instanceof TransactionInterceptor
                        || advisor.getAdvice()
                            instanceof PersistenceExceptionTranslationInterceptor) {
                      proxy.removeAdvisor(advisor);
                    }
                  }
                  proxy.addAdvice(0, new FragmentCalls(fragments));
                }));
  }

  /** The model's own fragments, which Spring Data's configuration found; set before the proxy. */
  @Override
  public void setRepositoryFragments(RepositoryFragments repositoryFragments) {
    super.setRepositoryFragments(repositoryFragments);
    this.fragments = repositoryFragments;
  }
}
