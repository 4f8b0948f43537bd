package dev.usermq.repository;

import dev.usermq.config.AuthzProperties;
import dev.usermq.config.TopicsProperties;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc;
import dev.usermq.proto.shared.authz.v1.AuthzServiceGrpc.AuthzServiceBlockingStub;
import dev.usermq.repository.event.OrderEvent;
import dev.usermq.repository.event.OutboxOrderEvent;
import dev.usermq.repository.event.OutboxUserEvent;
import dev.usermq.repository.event.UserEvent;
import dev.usermq.repository.model.AuthMsgModel;
import dev.usermq.repository.model.AuthzCommandModel;
import dev.usermq.repository.model.OutboxModel;
import dev.usermq.repository.model.UserModel;
import dev.usermq.repository.model.UserThirdAuthModel;
import dev.usermq.repository.rpc.AuthzChannel;
import dev.usermq.repository.rpc.AuthzSrv;
import dev.usermq.repository.rpc.GrpcAuthzSrv;
import dev.usermq.repository.xredis.UserCache;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.jdbc.JdbcProperties;
import org.springframework.boot.autoconfigure.transaction.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.util.Assert;

/**
 * The one place that builds the dependencies of the logic layer (the seed's {@code NewRepository}).
 * The table models are Spring Data JDBC repositories and Redis is configured in {@link
 * dev.usermq.repository.xredis.RedisConfiguration}; this class adds the event publishers, the authz
 * client and the deadline of SQL statements, and ties them together.
 *
 * <p>The table models run in the caller's transaction and otherwise on their own, each statement in
 * auto-commit: without Spring Data's default transactions, which put a CRUD call (a {@code save}, a
 * {@code findById}) that finds no transaction in one of its own (read-only for a read), two to
 * three round trips to MySQL more for a single statement, and whose interceptor scanned the model
 * for a transaction manager qualifier at every such call. Whatever writes more than one row does so
 * in a transaction of its own (the logic's, the batch's, the delivery's and the marks').
 */
@Configuration(proxyBeanMethods = false)
@EnableJdbcRepositories(
    basePackageClasses = UserModel.class,
    repositoryFactoryBeanClass = ModelRepositoryFactoryBean.class)
public class RepositoryConfiguration {

  @Bean
  public UserEvent userEvent(OutboxModel outbox, TopicsProperties topics) {
    return new OutboxUserEvent(outbox, topics.user());
  }

  @Bean
  public OrderEvent orderEvent(OutboxModel outbox, TopicsProperties topics) {
    return new OutboxOrderEvent(outbox, topics.order());
  }

  @Bean(destroyMethod = "shutdownNow")
  public ManagedChannel authzChannel(AuthzProperties authz) {
    Assert.hasText(authz.target(), "authz.target (AUTHZ_TARGET) must name the authz service");
    ChannelCredentials credentials =
        authz.plaintext() ? InsecureChannelCredentials.create() : TlsChannelCredentials.create();
    return AuthzChannel.open(authz.target(), credentials);
  }

  /**
   * The authz client; every {@link ClientInterceptor} bean applies to its calls (with tracing on,
   * the one that carries the trace context). The health check uses the channel without them.
   */
  @Bean
  public AuthzSrv authzSrv(
      ManagedChannel authzChannel,
      AuthzProperties authz,
      ObjectProvider<ClientInterceptor> interceptors) {
    AuthzServiceBlockingStub stub =
        AuthzServiceGrpc.newBlockingStub(authzChannel)
            .withInterceptors(interceptors.orderedStream().toArray(ClientInterceptor[]::new));
    return new GrpcAuthzSrv(stub, authz.deadline());
  }

  @Bean
  public Repository repository(
      UserModel userModel,
      UserThirdAuthModel userThirdAuthModel,
      AuthMsgModel authMsgModel,
      OutboxModel outboxModel,
      AuthzCommandModel authzCommandModel,
      UserEvent userEvent,
      OrderEvent orderEvent,
      AuthzSrv authzSrv,
      UserCache userCache,
      StatementDeadline statementDeadline) {
    return new Repository(
        userModel,
        userThirdAuthModel,
        authMsgModel,
        outboxModel,
        authzCommandModel,
        userEvent,
        orderEvent,
        authzSrv,
        userCache,
        statementDeadline);
  }

  /**
   * Spring Boot's transaction manager ({@code spring.transaction.*} applied by its customizers, as
   * Boot would, whose own backs off when this one exists), without the session switches MySQL and
   * MariaDB need not ({@link MySqlTransactionManager}).
   */
  @Bean
  public MySqlTransactionManager transactionManager(
      DataSource dataSource, ObjectProvider<TransactionManagerCustomizers> customizers) {
    MySqlTransactionManager transactions = new MySqlTransactionManager(dataSource);
    customizers.ifAvailable(c -> c.customize(transactions));
    return transactions;
  }

  @Bean
  public StatementDeadline statementDeadline() {
    return new StatementDeadline();
  }

  /**
   * Spring Boot's {@code JdbcTemplate}, configured from {@code spring.jdbc.template.*} as Boot
   * would (whose own backs off when this one exists), with the {@link StatementDeadline}: the table
   * models send every statement through it.
   */
  @Bean
  public JdbcTemplate jdbcTemplate(
      DataSource dataSource,
      JdbcProperties properties,
      StatementDeadline statementDeadline,
      ObjectProvider<SQLExceptionTranslator> exceptionTranslator) {
    JdbcTemplate jdbc = new DeadlineJdbcTemplate(dataSource, statementDeadline);
    JdbcProperties.Template template = properties.getTemplate();
    jdbc.setIgnoreWarnings(template.isIgnoreWarnings());
    jdbc.setFetchSize(template.getFetchSize());
    jdbc.setMaxRows(template.getMaxRows());
    if (template.getQueryTimeout() != null) {
      jdbc.setQueryTimeout((int) template.getQueryTimeout().getSeconds());
    }
    jdbc.setSkipResultsProcessing(template.isSkipResultsProcessing());
    jdbc.setSkipUndeclaredResults(template.isSkipUndeclaredResults());
    jdbc.setResultsMapCaseInsensitive(template.isResultsMapCaseInsensitive());
    exceptionTranslator.ifUnique(jdbc::setExceptionTranslator);
    return jdbc;
  }
}
