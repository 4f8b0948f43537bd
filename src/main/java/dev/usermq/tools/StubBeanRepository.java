package dev.usermq.tools;

import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Component;
import org.apache.camel.spi.BeanRepository;
import org.springframework.objenesis.SpringObjenesis;

/**
 * The application's beans as Camel sees them during validation: every name the Spring definitions
 * have, each backed by an empty instance of its type that no constructor ran for, so that an
 * endpoint option such as {@code #bean:name} binds without creating the real bean (and its
 * connections). Nothing calls these instances: validation never starts a route.
 */
final class StubBeanRepository implements BeanRepository {

  private final Map<String, Class<?>> types;
  private final Map<String, Object> stubs = new HashMap<>();
  private final SpringObjenesis objenesis = new SpringObjenesis();

  StubBeanRepository(Map<String, Class<?>> types) {
    this.types = types;
  }

  @Override
  public Object lookupByName(String name) {
    Class<?> type = types.get(name);
    // a component bean (the grpc component, named after its scheme) is left to Camel, which takes
    // the component of the classpath: an instance no constructor ran for cannot start, and the
    // endpoint options to check are that component's
    if (type == null || Component.class.isAssignableFrom(type)) {
      return null;
    }
    return stubs.computeIfAbsent(name, n -> stub(type));
  }

  @Override
  public <T> T lookupByNameAndType(String name, Class<T> type) {
    Class<?> actual = types.get(name);
    if (actual == null || !type.isAssignableFrom(actual)) {
      return null;
    }
    return type.cast(lookupByName(name));
  }

  @Override
  public <T> Map<String, T> findByTypeWithName(Class<T> type) {
    Map<String, T> found = new LinkedHashMap<>();
    types.forEach(
        (name, actual) -> {
          if (type.isAssignableFrom(actual)) {
            T stub = lookupByNameAndType(name, type);
            if (stub != null) {
              found.put(name, stub);
            }
          }
        });
    return found;
  }

  @Override
  public <T> Set<T> findByType(Class<T> type) {
    return Set.copyOf(findByTypeWithName(type).values());
  }

  private Object stub(Class<?> type) {
    if (type.isInterface()) {
      return Proxy.newProxyInstance(
          type.getClassLoader(),
          new Class<?>[] {type},
          (proxy, method, args) -> defaultOf(method.getReturnType()));
    }
    if (Modifier.isAbstract(type.getModifiers()) || type.isPrimitive() || type.isArray()) {
      return null;
    }
    try {
      return objenesis.newInstance(type);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Object defaultOf(Class<?> type) {
    if (!type.isPrimitive() || type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return '\0';
    }
    return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type, 1), 0);
  }
}
