package dev.usermq.repository;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.data.repository.core.support.RepositoryFragment;
import org.springframework.util.ReflectionUtils;

/**
 * The first advice of a table model's proxy: a method that one of the model's own fragments
 * implements (its written-out statements, such as {@code InsertingSave} and {@code UserLocks}) is
 * called on that implementation at once. Spring Data would call the same implementation, as it
 * gives a fragment precedence over its own methods, but through the rest of its invocation chain on
 * every call: exposing the invocation, looking for a query method, looking the fragment's method up
 * in its composition, a reflective call of the implementation class's method with its access check,
 * and the handling of the result for a query's return type. That cost a record's transaction more
 * CPU than the statements' own work in {@code JdbcTemplate} outside the driver. Every other method
 * (a query, Spring Data's CRUD) goes on down the chain as before.
 */
final class FragmentCalls implements MethodInterceptor {

  /** A fragment's method and the implementation it is called on. */
  private record Call(Object implementation, Method method) {}

  private final RepositoryFragments fragments;
  private final Map<Method, Optional<Call>> calls = new ConcurrentHashMap<>();

  FragmentCalls(RepositoryFragments fragments) {
    this.fragments = fragments;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Optional<Call> call = calls.get(method);
    if (call == null) {
      call = calls.computeIfAbsent(method, this::find);
    }
    if (call.isEmpty()) {
      return invocation.proceed();
    }
    // the fragment interface's public method: no access check by caller; an exception the
    // implementation throws comes out as it was thrown
    return AopUtils.invokeJoinpointUsingReflection(
        call.get().implementation(), call.get().method(), invocation.getArguments());
  }

  /** The first fragment with an implementation that has the method, as Spring Data looks it up. */
  private Optional<Call> find(Method method) {
    for (RepositoryFragment<?> fragment : fragments) {
      Optional<?> implementation = fragment.getImplementation();
      if (implementation.isPresent() && fragment.hasMethod(method)) {
        return Optional.of(
            new Call(
                implementation.get(),
                ReflectionUtils.findMethod(
                    fragment.getSignatureContributor(),
                    method.getName(),
                    method.getParameterTypes())));
      }
    }
    return Optional.empty();
  }
}
