package dev.usermq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.data.repository.core.support.RepositoryFragment;

/**
 * A model's fragment methods called on the fragment's implementation, first in the proxy's chain;
 * everything else down the chain, which stands in here for Spring Data's.
 */
class FragmentCallsTest {

  interface Base<T> {
    T save(T row);

    long count();
  }

  interface Statements<T> {
    T save(T row);

    void claim(String id);
  }

  interface Model extends Base<String>, Statements<String> {}

  /** Package-private, as the models' fragment implementations are. */
  static class StatementsImpl implements Statements<String> {
    final List<String> calls = new ArrayList<>();

    @Override
    public String save(String row) {
      calls.add("save " + row);
      return row + " saved";
    }

    @Override
    public void claim(String id) {
      throw new DuplicateKeyException("claimed already: " + id);
    }
  }

  private final StatementsImpl statements = new StatementsImpl();
  private final List<String> downTheChain = new ArrayList<>();

  private Model model() {
    ProxyFactory proxy = new ProxyFactory();
    proxy.setInterfaces(Model.class);
    proxy.addAdvice(new FragmentCalls(fragments()));
    proxy.addAdvice(
        (MethodInterceptor)
            invocation -> {
              downTheChain.add(invocation.getMethod().getName());
              return invocation.getMethod().getName().equals("count") ? 7L : "from the chain";
            });
    return (Model) proxy.getProxy();
  }

  private RepositoryFragments fragments() {
    return RepositoryFragments.of(RepositoryFragment.implemented(Statements.class, statements));
  }

  @Test
  void aFragmentMethodIsCalledOnTheImplementationAlone() {
    Model model = model();

    assertThat(model.save("a")).isEqualTo("a saved");
    assertThat(model.save("b")).isEqualTo("b saved");

    assertThat(statements.calls).containsExactly("save a", "save b");
    assertThat(downTheChain).isEmpty();
  }

  @Test
  void aMethodOfNoFragmentGoesDownTheChain() {
    Model model = model();

    assertThat(model.count()).isEqualTo(7L);

    assertThat(downTheChain).containsExactly("count");
    assertThat(statements.calls).isEmpty();
  }

  @Test
  void whatTheImplementationThrowsComesOutAsItIs() {
    Model model = model();

    assertThatThrownBy(() -> model.claim("m-1"))
        .isExactlyInstanceOf(DuplicateKeyException.class)
        .hasMessage("claimed already: m-1");
  }

  @Test
  void aModelWithoutFragmentsGoesDownTheChainForEverything() {
    ProxyFactory proxy = new ProxyFactory();
    proxy.setInterfaces(Model.class);
    proxy.addAdvice(new FragmentCalls(RepositoryFragments.empty()));
    proxy.addAdvice(
        (MethodInterceptor)
            invocation -> {
              downTheChain.add(invocation.getMethod().getName());
              return "from the chain";
            });
    Model model = (Model) proxy.getProxy();

    assertThat(model.save("a")).isEqualTo("from the chain");

    assertThat(downTheChain).containsExactly("save");
  }
}
