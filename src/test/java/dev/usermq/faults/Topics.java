package dev.usermq.faults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics of one run of the service (a fault scenario, a benchmark round), made for it alone:
 * the inbound auth topic, the two event topics and the DLQ.
 */
public record Topics(String auth, String user, String order, String dlq) {

  /** The run's topics, {@code <prefix>.<tag>.auth} and so on. */
  public static Topics of(String prefix, String tag) {
    String name = prefix + "." + tag + ".";
    return new Topics(name + "auth", name + "user", name + "order", name + "dlq");
  }

  /** Creates them on the broker: the auth topic with the given partitions, the others with one. */
  public void create(Admin admin, int authPartitions) throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic(auth, authPartitions, (short) 1),
                new NewTopic(user, 1, (short) 1),
                new NewTopic(order, 1, (short) 1),
                new NewTopic(dlq, 1, (short) 1)))
        .all()
        .get(60, TimeUnit.SECONDS);
  }

  /** Names them to the service: its {@code TOPICS_*} environment variables. */
  public void putInto(Map<String, String> env) {
    env.put("TOPICS_AUTH", auth);
    env.put("TOPICS_USER", user);
    env.put("TOPICS_ORDER", order);
    env.put("TOPICS_DLQ", dlq);
  }
}
