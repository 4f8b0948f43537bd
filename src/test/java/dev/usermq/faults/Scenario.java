package dev.usermq.faults;

import java.util.Random;

/** The faults, each run on its own scenario while the workload flows. */
enum Scenario {
  KILL_9("kill -9 x5", "k9", 300) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Random rnd = new Random(ctx.seed());
      for (int i = 0; i < ctx.kills(); i++) {
        ServiceProcess life = ctx.fleet().a();
        life.awaitStarted(180);
        // a new life waits for the group to expel the killed one (session timeout) before it
        // gets partitions: kill it only once it is processing records
        boolean working = life.awaitWork(120);
        Procs.sleep(500 + rnd.nextInt(5_500));
        ctx.log(
            "kill -9 of the service, pid "
                + life.pid()
                + (working ? ", while it processes records" : ", idle"));
        ctx.fleet().killAndRestartA();
      }
      ctx.fleet().a().awaitStarted(180);
    }
  },
  REDIS_RESTART("redis SHUTDOWN NOSAVE", "rr", 0) {
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
  REDIS_FLUSHALL("redis FLUSHALL", "rf", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      for (int i = 0; i < 3; i++) {
        Procs.sleep(5_000);
        ctx.log("redis FLUSHALL");
        ctx.redis().flushAll();
      }
    }
  },
  MARIADB_STOP("mariadb down", "db", 0) {
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
  AUTHZ_FAULTS("authz unavailable+slow", "az", 0) {
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
  REBALANCE("2nd instance joins/leaves", "rb", 150) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      for (int i = 0; i < ctx.rebalanceCycles(); i++) {
        Procs.sleep(ctx.rebalanceMillis());
        ctx.log("instance b starts");
        ServiceProcess b = ctx.fleet().startB();
        b.awaitStarted(180);
        ctx.log("instance b joins the group");
        Procs.sleep(ctx.rebalanceMillis());
        ctx.log("instance b leaves");
        ctx.fleet().stopB();
      }
    }
  },
  KAFKA_RESTART("kafka broker restart", "kr", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("kafka broker stopping");
      ctx.kafka().stop();
      Procs.sleep(5_000);
      ctx.kafka().start();
      ctx.log("kafka broker started again");
    }
  },
  MARIADB_FREEZE("mariadb frozen (SIGSTOP)", "dz", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      freezeFor(ctx, "mariadb", ctx.mariadb());
    }
  },
  REDIS_FREEZE("redis frozen (SIGSTOP)", "rz", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      freezeFor(ctx, "redis", ctx.redis());
    }
  },
  AUTHZ_UNKNOWN("authz answers UNKNOWN", "au", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("authz answers UNKNOWN to every call; every other failed write was applied first");
      ctx.authz().mode(ControllableAuthz.Mode.UNKNOWN);
      try {
        Procs.sleep(ctx.faultMillis());
      } finally {
        ctx.authz().mode(ControllableAuthz.Mode.NORMAL);
        ctx.log("authz normal again");
      }
    }
  },
  AUTHZ_LATE_APPLY("authz late after applying", "al", 0) {
    @Override
    void inject(FaultSuiteIT.Ctx ctx) throws Exception {
      Procs.sleep(5_000);
      ctx.log("authz applies every grant/revoke, then answers after the deadline");
      ctx.authz().every(1);
      ctx.authz().mode(ControllableAuthz.Mode.LATE_AFTER_APPLY);
      try {
        Procs.sleep(ctx.faultMillis() / 2);
        ctx.log("authz applies every grant/revoke, answers one in three after the deadline");
        ctx.authz().every(3);
        Procs.sleep(ctx.faultMillis() - ctx.faultMillis() / 2);
      } finally {
        ctx.authz().mode(ControllableAuthz.Mode.NORMAL);
        ctx.authz().every(1);
        ctx.log("authz normal again");
      }
    }
  };

  final String label;
  final String tag;

  /**
   * Seconds over which phase 2 is produced, so that records keep arriving for as long as the fault
   * goes on; 0 for the suite's default ({@code faults.send-seconds}).
   */
  final int sendSeconds;

  Scenario(String label, String tag, int sendSeconds) {
    this.label = label;
    this.tag = tag;
    this.sendSeconds = sendSeconds;
  }

  /** Injects the fault while the workload runs; returns once everything is back to normal. */
  abstract void inject(FaultSuiteIT.Ctx ctx) throws Exception;

  /** Freezes the server for the fault's length, then thaws it, whatever happens meanwhile. */
  private static void freezeFor(FaultSuiteIT.Ctx ctx, String name, Freezable server)
      throws Exception {
    Procs.sleep(5_000);
    long pid = server.freeze();
    ctx.log(name + " frozen (SIGSTOP of pid " + pid + "): connections open, nothing answered");
    try {
      Procs.sleep(ctx.faultMillis());
    } finally {
      server.thaw(pid);
      ctx.log(name + " thawed (SIGCONT)");
    }
  }
}
