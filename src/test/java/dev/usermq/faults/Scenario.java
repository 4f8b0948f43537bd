package dev.usermq.faults;

import java.util.Random;

/** The faults, each run on its own scenario while the workload flows. */
enum Scenario {
  KILL_9("kill -9 x5", "k9") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Random rnd = new Random(ctx.seed());
      for (int i = 0; i < ctx.kills(); i++) {
        ctx.fleet().a().awaitStarted(180);
        // anywhere from the first polls to the middle of the backlog
        Procs.sleep(1_000 + rnd.nextInt(7_000));
        ctx.log("kill -9 of the service, pid " + ctx.fleet().a().pid());
        ctx.fleet().killAndRestartA();
      }
      ctx.fleet().a().awaitStarted(180);
    }
  },
  REDIS_RESTART("redis SHUTDOWN NOSAVE", "rr") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("redis SHUTDOWN NOSAVE");
      ctx.redis().shutdownNoSave();
      Procs.sleep(ctx.faultMillis() / 2);
      ctx.log("redis started again, empty");
      ctx.redis().start();
    }
  },
  REDIS_FLUSHALL("redis FLUSHALL", "rf") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      for (int i = 0; i < 3; i++) {
        Procs.sleep(5_000);
        ctx.log("redis FLUSHALL");
        ctx.redis().flushAll();
      }
    }
  },
  MARIADB_STOP("mariadb down 30s", "db") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("mariadb stopped");
      ctx.mariadb().stop();
      Procs.sleep(ctx.faultMillis());
      ctx.mariadb().start();
      ctx.log("mariadb started again");
    }
  },
  AUTHZ_FAULTS("authz unavailable+slow", "az") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("authz answers UNAVAILABLE");
      ctx.authz().mode(ControllableAuthz.Mode.UNAVAILABLE);
      Procs.sleep(ctx.faultMillis());
      ctx.log("authz answers after the deadline");
      ctx.authz().mode(ControllableAuthz.Mode.SLOW);
      Procs.sleep(ctx.faultMillis());
      ctx.authz().mode(ControllableAuthz.Mode.NORMAL);
      ctx.log("authz normal again");
    }
  },
  REBALANCE("2nd instance joins/leaves", "rb") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      for (int i = 0; i < ctx.rebalanceCycles(); i++) {
        Procs.sleep(ctx.rebalanceMillis());
        ctx.log("instance b joins");
        ctx.fleet().startB();
        Procs.sleep(ctx.rebalanceMillis());
        ctx.log("instance b leaves");
        ctx.fleet().stopB();
      }
    }
  },
  KAFKA_RESTART("kafka broker restart", "kr") {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("kafka broker stopping");
      ctx.kafka().stop();
      Procs.sleep(5_000);
      ctx.kafka().start();
      ctx.log("kafka broker started again");
    }
  };

  final String label;
  final String tag;

  Scenario(String label, String tag) {
    this.label = label;
    this.tag = tag;
  }

  /** Injects the fault while the workload runs; returns once everything is back to normal. */
  abstract void inject(FaultSuiteIT.Ctx ctx) throws Exception;
}
