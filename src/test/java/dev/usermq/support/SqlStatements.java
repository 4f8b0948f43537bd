package dev.usermq.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
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

  /** How many statements were seen so far; a mark for {@link #since}. */
  public int mark() {
    return seen.size();
  }

  /** The statements seen after the mark. */
  public List<String> since(int mark) {
    return List.copyOf(seen.subList(mark, seen.size()));
  }

  void record(String sql) {
    seen.add(sql);
  }

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

  /** The connection, reporting each statement's SQL before preparing it. */
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
            statements.record("<statement>");
          }
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }
}
