package dev.usermq.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Every SQL statement the application's data source prepares or runs, as its text, in order: the
 * data source bean is wrapped, so what the tests see is what the pool is asked for.
 */
public class SqlStatements {

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** How many statements were seen so far; a mark for {@link #since}. */
  public int mark() {
    return seen.size();
  }

  /** The statements seen after the mark. */
  public List<String> since(int mark) {
    // a copy first: other threads record meanwhile, and a sublist of the live list fails then
    List<String> all = List.copyOf(seen);
    return all.subList(mark, all.size());
  }

  /** How many round trips were seen so far; a mark for {@link #callsSince}. */
  public int callsMark() {
    return calls.size();
  }

  /**
   * What the connections sent on the calling thread after the mark, in order: every statement's SQL
   * and, in angle brackets, each call that changes the session or ends a transaction, e.g. {@code
   * <setAutoCommit false>}, {@code <setTransactionIsolation 2>}, {@code <commit>} (not a {@code
   * setAutoCommit} to the mode the connection is in: the driver sends nothing for it).
   */
  public List<String> callsSince(int mark) {
    List<Call> all = List.copyOf(calls);
    return all.subList(mark, all.size()).stream()
        .filter(call -> call.thread() == Thread.currentThread())
        .map(Call::text)
        .toList();
  }

  void record(String sql) {
    seen.add(sql);
    recordCall(sql);
  }

  void recordCall(String call) {
    calls.add(new Call(Thread.currentThread(), call));
  }

  private record Call(Thread thread, String text) {}

  /** Wraps the application's data source; imported by {@link EmbeddedServersIT}. */
  @TestConfiguration(proxyBeanMethods = false)
  public static class Recording {

    @Bean
    public SqlStatements sqlStatements() {
      return new SqlStatements();
    }

    @Bean
    public static BeanPostProcessor recordingDataSource(ObjectProvider<SqlStatements> statements) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          if (!(bean instanceof DataSource) || bean instanceof Advised) {
            return bean;
          }
          // a subclass proxy: the bean stays a HikariDataSource for those that need one
          ProxyFactory proxy = new ProxyFactory(bean);
          proxy.setProxyTargetClass(true);
          proxy.addAdvice(
              (MethodInterceptor)
                  call -> {
                    Object result = call.proceed();
                    return call.getMethod().getName().equals("getConnection")
                        ? recording((Connection) result, statements.getObject())
                        : result;
                  });
          return proxy.getProxy();
        }
      };
    }
  }

  private static final Set<String> SESSION_CALLS =
      Set.of("setAutoCommit", "setTransactionIsolation", "setReadOnly", "commit", "rollback");

  /** The connection, reporting each statement's SQL before preparing it, and its session calls. */
  static Connection recording(Connection connection, SqlStatements statements) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          String name = method.getName();
          if ((name.equals("prepareStatement") || name.equals("prepareCall"))
              && args != null
              && args[0] instanceof String sql) {
            statements.record(sql);
          }
          if (name.equals("createStatement")) {
            statements.seen.add("<statement>");
            return recordingStatement((Statement) invoke(connection, method, args), statements);
          }
          if (SESSION_CALLS.contains(name) && !keepsTheMode(connection, name, args)) {
            statements.recordCall("<" + name + (args == null ? "" : " " + args[0]) + ">");
          }
          return invoke(connection, method, args);
        };
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  /** A plain statement, reporting the SQL it executes as a call. */
  private static Statement recordingStatement(Statement statement, SqlStatements statements) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().startsWith("execute")
              && args != null
              && args[0] instanceof String sql) {
            statements.recordCall(sql);
          }
          return invoke(statement, method, args);
        };
    return (Statement)
        Proxy.newProxyInstance(
            Statement.class.getClassLoader(), new Class<?>[] {Statement.class}, handler);
  }

  /**
   * Whether the call sets the auto-commit mode the connection already has, for which the MariaDB
   * driver sends nothing: it knows the mode from the server's replies, so it is asked, not the pool
   * (which answers with the mode last set through it once one was).
   */
  private static boolean keepsTheMode(Connection connection, String name, Object[] args)
      throws SQLException {
    return name.equals("setAutoCommit")
        && connection.unwrap(Connection.class).getAutoCommit() == (Boolean) args[0];
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
